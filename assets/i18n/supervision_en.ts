<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>SupervisionWall</name>
    <message>
        <location filename="../../ui/supervision/wall.py" line="103"/>
        <location filename="../../ui/supervision/wall.py" line="411"/>
        <source>无视频信号</source>
        <extracomment>no frame for this long after frames came: the tile says the signal is lost #: the most a tile&apos;s frame may be (the wiring shrinks frames to fit) frames drawn (tests, bench) frames came, then stopped for LOST_AFTER_S
----------
alert seqs already sounded</extracomment>
        <translation>No video signal</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="137"/>
        <source>录像 —</source>
        <translation>Recording —</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="139"/>
        <source>● 录像中</source>
        <translation>● Recording</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="139"/>
        <source>录像已停</source>
        <translation>Recording stopped</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="146"/>
        <source>今日无场次</source>
        <translation>No session today</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="150"/>
        <source>麦克风已关闭</source>
        <translation>Microphone off</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="153"/>
        <source>监督人暂停</source>
        <translation>Paused by the supervisor</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="153"/>
        <source>主持人暂停</source>
        <translation>Paused by the host</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="178"/>
        <source>视频信号中断 / signal lost</source>
        <translation>Video signal lost</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="200"/>
        <source>已确认</source>
        <translation>Acknowledged</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="200"/>
        <source>未确认</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="446"/>
        <source>所选会议室今日无场次</source>
        <translation>The selected room has no session today</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="475"/>
        <source>请先选择预警，并以监督人身份刷身份证登记</source>
        <translation>Select an alert and sign in as the supervisor with your ID card first</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="481"/>
        <source>预警已确认 / alert acknowledged</source>
        <translation>Alert acknowledged</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="493"/>
        <source>暂停指令已下达 / pause ordered</source>
        <translation>Pause ordered</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="493"/>
        <source>恢复指令已下达 / resume ordered</source>
        <translation>Resume ordered</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="497"/>
        <source>行政监督室 · 各会议室实时画面  Supervision wall</source>
        <translation>Supervision room · every room live</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="498"/>
        <source>← 返回全部画面 / All rooms</source>
        <translation>← All rooms</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="499"/>
        <source>预警 Alerts</source>
        <translation>Alerts</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="500"/>
        <source>处理说明（确认预警必填） / note</source>
        <translation>Note (required to acknowledge)</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="501"/>
        <source>确认所选预警 / Acknowledge</source>
        <translation>Acknowledge the selected alert</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="502"/>
        <source>指令原因（必填） / reason</source>
        <translation>Reason for the order (required)</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="503"/>
        <source>下令暂停 / Pause</source>
        <translation>Order a pause</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="504"/>
        <source>下令恢复 / Resume</source>
        <translation>Order resume</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="515"/>
        <source>正在连接各会议室……</source>
        <translation>Connecting to the rooms…</translation>
    </message>
</context>
</TS>
