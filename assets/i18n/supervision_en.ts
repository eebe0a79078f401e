<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ReplayScreen</name>
    <message>
        <location filename="../../ui/supervision/replay.py" line="310"/>
        <source>请填写导出目录 / enter the export&apos;s folder</source>
        <extracomment>a job-runner lane of its own: a long read never holds the wall&apos;s loads a frame this close to the file&apos;s end is its last: play on into the next segment the label&apos;s size, read by the player&apos;s thread (a tuple: replaced whole) the last frame at full size a second the person chose (a touch, or the handle let go) the instant the frame on screen shows</extracomment>
        <translation>Enter the export&apos;s folder</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="357"/>
        <source>导出目录</source>
        <translation>Export folder</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="355"/>
        <source>前后 15 分钟的日志记录（点击跳转） / entries around, click to seek</source>
        <translation>Journal entries 15 min either side (click to seek)</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="357"/>
        <source>导出的标记（点击跳转） / the export&apos;s markers</source>
        <translation>The export&apos;s markers (click to seek)</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="370"/>
        <source>此时刻之后没有录像 / no recording from this moment</source>
        <translation>No recording from this moment on</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="376"/>
        <source>此时刻没有录像，从下一段录像开始播放 / nothing recorded then: playing from the next recording</source>
        <translation>Nothing recorded then: playing from the next recording</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="379"/>
        <source>本终端没有播放器 / no player on this terminal</source>
        <translation>No player on this terminal</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="446"/>
        <source>无法播放录像文件</source>
        <translation>Cannot play the recording</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="492"/>
        <source>摄像机 {0} · 第 {1} 段</source>
        <translation>camera {0} · segment {1}</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="524"/>
        <source>暂停 / Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="524"/>
        <source>播放 / Play</source>
        <translation>Play</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="527"/>
        <source>录像回放 · 视频与日志同步  Replay: video beside the journal</source>
        <translation>Replay: the video beside the journal</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="528"/>
        <source>← 返回监控墙 / Wall</source>
        <translation>← Back to the wall</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="529"/>
        <source>前往 / Go</source>
        <translation>Go</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="530"/>
        <source>导出目录 / export folder</source>
        <translation>Export folder</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="531"/>
        <source>打开导出 / Open export</source>
        <translation>Open export</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="532"/>
        <source>◀ 10 秒</source>
        <translation>◀ 10 s</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="533"/>
        <source>10 秒 ▶</source>
        <translation>10 s ▶</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="534"/>
        <source>摄像机 / camera</source>
        <translation>Camera</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="353"/>
        <source>日志记录（点击跳转） / entries, click to seek</source>
        <translation>Journal entries (click to seek)</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="535"/>
        <source>拖动或点击时间条跳转 / drag or touch the bar to seek</source>
        <translation>Drag or touch the bar to seek</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/replay.py" line="542"/>
        <source>请选择会议室和时间 / pick a room and a time</source>
        <translation>Pick a room and a time</translation>
    </message>
</context>
<context>
    <name>SupervisionWall</name>
    <message>
        <location filename="../../ui/supervision/wall.py" line="131"/>
        <location filename="../../ui/supervision/wall.py" line="596"/>
        <source>无视频信号</source>
        <extracomment>a job-runner lane (one thread) of the wall&apos;s own for reading alerts a tick without words: the record is in Chinese whatever the screen&apos;s language the full view&apos;s replay starts this many minutes ago no frame for this long after frames came: the tile says the signal is lost #: the most a tile&apos;s frame may be (the wiring shrinks frames to fit) frames drawn (tests, bench) frames came, then stopped for LOST_AFTER_S
----------
(room code, moment): replay that room at that moment (an alert&apos;s, the full view&apos;s, a witness note&apos;s) alert seqs already sounded</extracomment>
        <translation>No video signal</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="165"/>
        <source>录像 —</source>
        <translation>Recording —</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="167"/>
        <source>● 录像中</source>
        <translation>● Recording</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="167"/>
        <source>录像已停</source>
        <translation>Recording stopped</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="174"/>
        <source>今日无场次</source>
        <translation>No session today</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="178"/>
        <source>麦克风已关闭</source>
        <translation>Microphone off</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="181"/>
        <source>监督人暂停</source>
        <translation>Paused by the supervisor</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="181"/>
        <source>主持人暂停</source>
        <translation>Paused by the host</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="206"/>
        <source>视频信号中断 / signal lost</source>
        <translation>Video signal lost</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="228"/>
        <source>已确认</source>
        <translation>Acknowledged</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="228"/>
        <source>未确认</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="289"/>
        <location filename="../../ui/supervision/wall.py" line="632"/>
        <source>所选会议室今日无场次</source>
        <extracomment>(room code, moment): replay the selected step&apos;s latest note</extracomment>
        <translation>The selected room has no session today</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="319"/>
        <source>请先选择步骤，并以见证人身份刷身份证登记</source>
        <translation>Select a step and sign in as the witness with your ID card first</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="327"/>
        <source>见证记录已保存 / note saved</source>
        <translation>Note saved</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="344"/>
        <source>此步骤尚无见证记录 / no note on this step yet</source>
        <translation>No note on this step yet</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="675"/>
        <source>请先选择预警，并以监督人身份刷身份证登记</source>
        <translation>Select an alert and sign in as the supervisor with your ID card first</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="681"/>
        <source>预警已确认 / alert acknowledged</source>
        <translation>Alert acknowledged</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="693"/>
        <source>暂停指令已下达 / pause ordered</source>
        <translation>Pause ordered</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="693"/>
        <source>恢复指令已下达 / resume ordered</source>
        <translation>Resume ordered</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="697"/>
        <source>监督 Supervision</source>
        <translation>Supervision</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="698"/>
        <source>见证 Witness</source>
        <translation>Witness</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="699"/>
        <source>行政监督室 · 各会议室实时画面  Supervision wall</source>
        <translation>Supervision room · every room live</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="700"/>
        <source>← 返回全部画面 / All rooms</source>
        <translation>← All rooms</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="701"/>
        <source>预警 Alerts</source>
        <translation>Alerts</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="702"/>
        <source>处理说明（确认预警必填） / note</source>
        <translation>Note (required to acknowledge)</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="703"/>
        <source>确认所选预警 / Acknowledge</source>
        <translation>Acknowledge the selected alert</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="704"/>
        <source>回放此刻 / Replay</source>
        <translation>Replay this moment</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="705"/>
        <source>回放最近两分钟 / Replay last 2 min</source>
        <translation>Replay the last 2 min</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="706"/>
        <source>指令原因（必填） / reason</source>
        <translation>Reason for the order (required)</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="707"/>
        <source>下令暂停 / Pause</source>
        <translation>Order a pause</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="708"/>
        <source>下令恢复 / Resume</source>
        <translation>Order resume</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="721"/>
        <source>正在连接各会议室……</source>
        <translation>Connecting to the rooms…</translation>
    </message>
</context>
<context>
    <name>WitnessPanel</name>
    <message>
        <location filename="../../ui/supervision/wall.py" line="347"/>
        <source>回放 / Replay</source>
        <translation>Replay</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="348"/>
        <source>见证说明（记录异常时必填） / note</source>
        <translation>Note (required for an irregularity)</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="349"/>
        <source>已见证 / Seen</source>
        <translation>Seen</translation>
    </message>
    <message>
        <location filename="../../ui/supervision/wall.py" line="350"/>
        <source>记录异常 / Irregularity</source>
        <translation>Irregularity</translation>
    </message>
</context>
</TS>
