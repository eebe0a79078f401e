<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>SupervisionWall</name>
    <message>
        <location filename="../../ui/supervision/wall.py" line="122"/>
        <location filename="../../ui/supervision/wall.py" line="549"/>
        <source>无视频信号</source>
        <extracomment>a job-runner lane (one thread) of the wall&apos;s own for reading alerts a tick without words: the record is in Chinese whatever the screen&apos;s language no frame for this long after frames came: the tile says the signal is lost #: the most a tile&apos;s frame may be (the wiring shrinks frames to fit) frames drawn (tests, bench) frames came, then stopped for LOST_AFTER_S
----------
alert seqs already sounded</extracomment>
        <translation>No video signal</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="156"/>
        <source>录像 —</source>
        <translation>Recording —</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="158"/>
        <source>● 录像中</source>
        <translation>● Recording</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="158"/>
        <source>录像已停</source>
        <translation>Recording stopped</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="165"/>
        <source>今日无场次</source>
        <translation>No session today</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="169"/>
        <source>麦克风已关闭</source>
        <translation>Microphone off</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="172"/>
        <source>监督人暂停</source>
        <translation>Paused by the supervisor</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="172"/>
        <source>主持人暂停</source>
        <translation>Paused by the host</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="197"/>
        <source>视频信号中断 / signal lost</source>
        <translation>Video signal lost</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="219"/>
        <source>已确认</source>
        <translation>Acknowledged</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="219"/>
        <source>未确认</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="274"/>
        <location filename="../../ui/supervision/wall.py" line="585"/>
        <source>所选会议室今日无场次</source>
        <translation>The selected room has no session today</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="304"/>
        <source>请先选择步骤，并以见证人身份刷身份证登记</source>
        <translation>Select a step and sign in as the witness with your ID card first</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="312"/>
        <source>见证记录已保存 / note saved</source>
        <translation>Note saved</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="614"/>
        <source>请先选择预警，并以监督人身份刷身份证登记</source>
        <translation>Select an alert and sign in as the supervisor with your ID card first</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="620"/>
        <source>预警已确认 / alert acknowledged</source>
        <translation>Alert acknowledged</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="632"/>
        <source>暂停指令已下达 / pause ordered</source>
        <translation>Pause ordered</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="632"/>
        <source>恢复指令已下达 / resume ordered</source>
        <translation>Resume ordered</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="636"/>
        <source>监督 Supervision</source>
        <translation>Supervision</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="637"/>
        <source>见证 Witness</source>
        <translation>Witness</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="638"/>
        <source>行政监督室 · 各会议室实时画面  Supervision wall</source>
        <translation>Supervision room · every room live</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="639"/>
        <source>← 返回全部画面 / All rooms</source>
        <translation>← All rooms</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="640"/>
        <source>预警 Alerts</source>
        <translation>Alerts</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="641"/>
        <source>处理说明（确认预警必填） / note</source>
        <translation>Note (required to acknowledge)</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="642"/>
        <source>确认所选预警 / Acknowledge</source>
        <translation>Acknowledge the selected alert</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="643"/>
        <source>指令原因（必填） / reason</source>
        <translation>Reason for the order (required)</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="644"/>
        <source>下令暂停 / Pause</source>
        <translation>Order a pause</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="645"/>
        <source>下令恢复 / Resume</source>
        <translation>Order resume</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="656"/>
        <source>正在连接各会议室……</source>
        <translation>Connecting to the rooms…</translation>
    </message>
</context>
<context>
    <name>WitnessPanel</name>
    <message>
        <location filename="../../ui/supervision/wall.py" line="322"/>
        <source>见证说明（记录异常时必填） / note</source>
        <translation>Note (required for an irregularity)</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="323"/>
        <source>已见证 / Seen</source>
        <translation>Seen</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="324"/>
        <source>记录异常 / Irregularity</source>
        <translation>Irregularity</translation>
    </message>
</context>
</TS>
