<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>SupervisionWall</name>
    <message>
        <location filename="../../ui/supervision/wall.py" line="99"/>
        <location filename="../../ui/supervision/wall.py" line="393"/>
        <source>无视频信号</source>
        <extracomment>the most a tile&apos;s frame may be (the wiring shrinks frames to fit) frames drawn (tests, bench)
----------
alert seqs already sounded</extracomment>
        <translation>No video signal</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="133"/>
        <source>录像 —</source>
        <translation>Recording —</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="135"/>
        <source>● 录像中</source>
        <translation>● Recording</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="135"/>
        <source>录像已停</source>
        <translation>Recording stopped</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="142"/>
        <source>今日无场次</source>
        <translation>No session today</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="146"/>
        <source>麦克风已关闭</source>
        <translation>Microphone off</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="149"/>
        <source>监督人暂停</source>
        <translation>Paused by the supervisor</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="149"/>
        <source>主持人暂停</source>
        <translation>Paused by the host</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="186"/>
        <source>已确认</source>
        <translation>Acknowledged</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="186"/>
        <source>未确认</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="426"/>
        <source>所选会议室今日无场次</source>
        <translation>The selected room has no session today</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="455"/>
        <source>请先选择预警，并以监督人身份刷身份证登记</source>
        <translation>Select an alert and sign in as the supervisor with your ID card first</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="461"/>
        <source>预警已确认 / alert acknowledged</source>
        <translation>Alert acknowledged</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="473"/>
        <source>暂停指令已下达 / pause ordered</source>
        <translation>Pause ordered</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="473"/>
        <source>恢复指令已下达 / resume ordered</source>
        <translation>Resume ordered</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="477"/>
        <source>行政监督室 · 各会议室实时画面  Supervision wall</source>
        <translation>Supervision room · every room live</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="478"/>
        <source>← 返回全部画面 / All rooms</source>
        <translation>← All rooms</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="479"/>
        <source>预警 Alerts</source>
        <translation>Alerts</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="480"/>
        <source>处理说明（确认预警必填） / note</source>
        <translation>Note (required to acknowledge)</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="481"/>
        <source>确认所选预警 / Acknowledge</source>
        <translation>Acknowledge the selected alert</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="482"/>
        <source>指令原因（必填） / reason</source>
        <translation>Reason for the order (required)</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="483"/>
        <source>下令暂停 / Pause</source>
        <translation>Order a pause</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="484"/>
        <source>下令恢复 / Resume</source>
        <translation>Order resume</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="495"/>
        <source>正在连接各会议室……</source>
        <translation>Connecting to the rooms…</translation>
    </message>
</context>
</TS>
