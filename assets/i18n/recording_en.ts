<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ReviewTab</name>
    <message>
        <location filename="../../ui/recording/review.py" line="223"/>
        <location filename="../../ui/recording/review.py" line="430"/>
        <source>录像回放</source>
        <translation>Recordings</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="243"/>
        <source>无法播放：%1。文件可能已按保存期限删除，或已损坏。</source>
        <translation>Cannot play: %1. The file may have been removed by retention, or is damaged.</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="265"/>
        <source>无场次（手动录像）</source>
        <translation>No session (manual recording)</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="267"/>
        <source>%1 个片段 · %2 MB · %3 个标记</source>
        <translation>%1 segments · %2 MB · %3 markers</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="271"/>
        <source>本场地还没有录像。场次开始（开标、拍卖）时自动录像，也可以填写原因后手动开始。</source>
        <translation>No recordings in this room yet. Recording starts with a session (opening, auction), or by hand with a reason.</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="304"/>
        <source>录像中断</source>
        <translation>Gap</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="304"/>
        <source>片段丢失</source>
        <translation>Segment lost</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="305"/>
        <source>出价</source>
        <translation>Bid</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="305"/>
        <source>落槌/结果</source>
        <translation>Hammer/result</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="306"/>
        <source>开标环节</source>
        <translation>Opening stage</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="306"/>
        <source>异议</source>
        <translation>Objection</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="321"/>
        <source>该时刻没有录像（可能正处于中断期间）。</source>
        <translation>Nothing was recorded at that moment (perhaps during a gap).</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="325"/>
        <source>%1 第 %2 段 · %3–%4 · SHA-256 %5… · 日志序号 %6 · %7</source>
        <translation>%1 segment %2 · %3–%4 · SHA-256 %5… · journal seq %6 · %7</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="329"/>
        <source>已上传</source>
        <translation>uploaded</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="329"/>
        <source>待上传</source>
        <translation>not yet uploaded</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="346"/>
        <source>暂停</source>
        <translation>Pause</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="346"/>
        <source>播放</source>
        <translation>Play</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="357"/>
        <source>该时间段没有录像，请调整起止时间。</source>
        <translation>No recording in that range: change the start or end time.</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="360"/>
        <source>导出失败：%1。请检查磁盘空间。</source>
        <translation>Export failed: %1. Check the free disk space.</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="363"/>
        <source>导出失败：录像文件无法解密或与目录记录不符（%1）。</source>
        <translation>Export failed: a recording file does not decrypt or does not match its catalogue entry (%1).</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="369"/>
        <source>其中 %1 个文件尚无平台回执覆盖，同步后可再导出。</source>
        <translation> %1 of them not yet covered by a platform receipt: export again after the next sync.</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="370"/>
        <source>每个文件都有平台回执覆盖。</source>
        <translation> Every file is covered by a platform receipt.</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="372"/>
        <source>已导出 %1 个文件（%2 MB）到 %3，校验%4。</source>
        <translation>Exported %1 files (%2 MB) to %3; verification %4.</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="374"/>
        <source>通过</source>
        <translation>passed</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="374"/>
        <source>失败</source>
        <translation>FAILED</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="393"/>
        <source>已请求开始录像：%1</source>
        <translation>Start of recording requested: %1</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="393"/>
        <source>已请求停止录像：%1</source>
        <translation>Stop of recording requested: %1</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="410"/>
        <source>本终端不录像（未配置摄像头）· 磁盘剩余 %1 GB</source>
        <translation>This terminal does not record (no cameras configured) · %1 GB free</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="413"/>
        <source> 丢帧 %1</source>
        <translation> %1 dropped</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="416"/>
        <source>● 录像中 %1</source>
        <translation>● Recording %1</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="416"/>
        <source>（手动）</source>
        <translation>(manual)</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="416"/>
        <source>未在录像</source>
        <translation>Not recording</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="417"/>
        <source>磁盘剩余 %1 GB</source>
        <translation>%1 GB free</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="431"/>
        <source>场地</source>
        <translation>Room</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="432"/>
        <source>手动开始/停止录像的原因（必填）</source>
        <translation>Reason for starting/stopping by hand (required)</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="433"/>
        <source>开始录像</source>
        <translation>Start recording</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="434"/>
        <source>停止录像</source>
        <translation>Stop recording</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="435"/>
        <source>从标记处播放</source>
        <translation>Play from marker</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="436"/>
        <source>导出片段</source>
        <translation>Export clip</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="437"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="437"/>
        <source>事件</source>
        <translation>Event</translation>
    </message>
    <message>
        <location filename="../../ui/recording/review.py" line="437"/>
        <source>说明</source>
        <translation>Details</translation>
    </message>
</context>
</TS>
