<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>Opening</name>
    <message>
        <location filename="../../ui/opening/console.py" line="45"/>
        <source>开标</source>
        <translation>Bid opening</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="50"/>
        <source>待开标</source>
        <translation>Scheduled</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="51"/>
        <source>宣布纪律</source>
        <translation>Discipline</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="52"/>
        <source>公布投标人</source>
        <translation>Bidders</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="53"/>
        <source>签到点名</source>
        <translation>Roll call</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="54"/>
        <source>公布控制价</source>
        <translation>Publish the control price</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="55"/>
        <source>解密</source>
        <translation>Decryption</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="56"/>
        <source>唱标</source>
        <translation>Reading</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="57"/>
        <source>异议</source>
        <translation>Objections</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="58"/>
        <source>投标人确认</source>
        <translation>Confirmation</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="59"/>
        <source>记录签字</source>
        <translation>Signing</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="60"/>
        <source>结束</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="67"/>
        <source>未解密</source>
        <translation>Not decrypted</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="68"/>
        <source>解密中</source>
        <translation>Decrypting</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="69"/>
        <source>解密成功</source>
        <translation>Decrypted</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="70"/>
        <source>失败（视为撤销）</source>
        <translation>Failed (deemed revoked)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="71"/>
        <source>失败（视为撤回）</source>
        <translation>Failed (deemed withdrawn)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="77"/>
        <source>已签到</source>
        <translation>Present</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="79"/>
        <source>缺席：</source>
        <translation>Absent: </translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="80"/>
        <source>未签到</source>
        <translation>Not checked in</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="86"/>
        <source>已确认</source>
        <translation>Confirmed</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="87"/>
        <source>拒绝确认</source>
        <translation>Refused</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="88"/>
        <source>视同认可</source>
        <translation>Deemed accepted</translation>
    </message>
</context>
<context>
    <name>OpeningBoard</name>
    <message>
        <location filename="../../ui/opening/board.py" line="114"/>
        <source>开标时间 %1 · %2</source>
        <translation>Opening %1 · %2</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="137"/>
        <source>开标室</source>
        <translation>Opening room</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="138"/>
        <source>今日暂无开标</source>
        <translation>No opening today</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="146"/>
        <source>投标人不足，招标失败</source>
        <translation>Too few bidders: tender failed</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="146"/>
        <source>开标中止</source>
        <translation>Opening suspended</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="148"/>
        <source>暂停：%1</source>
        <translation>Paused: %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="155"/>
        <source>解密进度 %1 / %2</source>
        <translation>Decrypted %1 / %2</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="161"/>
        <source>工期 %1 天</source>
        <translation>Duration %1 days</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="162"/>
        <source>质量 %1</source>
        <translation>Quality %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="179"/>
        <source>投标截止时间到达后公布投标人名单 · 时间以交易平台时钟为准</source>
        <translation>Bidders are published at the bid deadline · times by the platform clock</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="181"/>
        <source>序号</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="181"/>
        <source>投标人</source>
        <translation>Bidder</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="181"/>
        <source>签到</source>
        <translation>Attendance</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="181"/>
        <source>解密</source>
        <translation>Decryption</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="181"/>
        <source>投标报价</source>
        <translation>Bid price</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="192"/>
        <source>投标人 %1 家 · 有效 %2 家 · 时间以交易平台时钟为准</source>
        <translation>%1 bidders · %2 valid · times by the platform clock</translation>
    </message>
</context>
<context>
    <name>OpeningConsole</name>
    <message>
        <location filename="../../ui/opening/console.py" line="308"/>
        <source>开标时间 %1 · %2</source>
        <translation>Opening %1 · %2</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="316"/>
        <source>今日本开标室没有开标安排</source>
        <translation>No opening in this room today</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="317"/>
        <source>开标安排来自交易平台；请在管理界面查看同步状态。</source>
        <translation>Openings come from the platform; check the sync status in the admin console.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="324"/>
        <source>已暂停：%1</source>
        <translation>Paused: %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="330"/>
        <source>控制价 %1</source>
        <translation>Control price %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="334"/>
        <source>投标人 %1 家，有效 %2 家，法定最少 %3 家</source>
        <translation>%1 bidders, %2 valid, legal minimum %3</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="342"/>
        <source>解密进度 %1 / %2</source>
        <translation>Decrypted %1 / %2</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="382"/>
        <source>当前阶段：%1</source>
        <translation>Stage: %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="383"/>
        <source>当前阶段：%1（%2）</source>
        <translation>Stage: %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="388"/>
        <source>开标前 30 分钟内可宣布开标纪律。开标时间以交易平台时钟为准。</source>
        <translation>The discipline may be announced within 30 minutes of the opening. Times follow the platform clock.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="389"/>
        <source>投标截止时间到达后，公布按时递交投标文件的投标人名单（按递交顺序）。</source>
        <translation>At the bid deadline, publish the bidders whose bids arrived in time (in submission order).</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="390"/>
        <source>投标人名单已公布。开始点名签到：签到情况随签到终端实时更新。</source>
        <translation>Bidders published. Start the roll call: check-ins appear live.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="391"/>
        <source>未签到的投标人须记录缺席原因（在表格中选中该投标人）。点名结束后系统检查有效投标人数量。</source>
        <translation>Record a reason for every absent bidder (select it in the table). Closing the roll call checks the number of valid bids.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="392"/>
        <source>公布招标控制价（标底）后，于开标时间到达后请求交易平台解密。</source>
        <translation>Publish the control price, then ask the platform to decrypt once the opening time has come.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="393"/>
        <source>解密进行中，进度来自交易平台。全部解密完成后方可唱标。</source>
        <translation>Decrypting; progress comes from the platform. Bids are read only when all are decrypted.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="394"/>
        <source>按递交顺序逐家唱标：投标人、投标总价（小写及大写）、工期、质量等。</source>
        <translation>Read each bid in submission order: bidder, total price (figures and capitals), duration, quality.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="395"/>
        <source>投标人对开标有异议的，当场提出，主持人当场答复并记录。</source>
        <translation>Objections are raised on the spot; the host answers on the spot and it is recorded.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="396"/>
        <source>请到场的投标人代表将身份证放在本机读卡器上确认开标记录；拒绝确认的，选中该投标人并填写理由。</source>
        <translation>Present representatives confirm the record by placing their ID card on this reader; for a refusal, select the bidder and give the reason.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="397"/>
        <source>主持人、记录人、监督人分别输入用户名和 PIN 签署开标记录。</source>
        <translation>Host, recorder and supervisor each sign the record with username and PIN.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="398"/>
        <source>开标结束，开标记录已生成并登记，随日志上传交易平台。</source>
        <translation>Opening closed; the record is made and registered, and goes to the platform with the journal.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="404"/>
        <source>原因/说明（暂停、恢复、流标、缺席、拒绝确认等须填写）</source>
        <translation>Reason (required to pause, resume, fail, absence, refusal…)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="406"/>
        <source>恢复开标</source>
        <translation>Resume</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="409"/>
        <source>宣布开标纪律</source>
        <translation>Announce the discipline</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="411"/>
        <source>公布投标人名单</source>
        <translation>Publish the bidders</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="413"/>
        <source>开始点名签到</source>
        <translation>Start the roll call</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="416"/>
        <source>记录选中投标人缺席</source>
        <translation>Record the selected bidder as absent</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="420"/>
        <source>点名结束，检查投标人数量</source>
        <translation>Close roll call, check quorum</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="423"/>
        <source>公布控制价</source>
        <translation>Publish the control price</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="425"/>
        <source>开始解密</source>
        <translation>Start decryption</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="430"/>
        <source>解密完成，进入唱标</source>
        <translation>Decryption done: read the bids</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="435"/>
        <source>唱标：第 %1 家 %2</source>
        <translation>Read bid %1: %2</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="438"/>
        <source>唱标结束</source>
        <translation>Reading done</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="441"/>
        <source>记录异议</source>
        <translation>Record the objection</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="445"/>
        <source>对第 %1 条异议的当场答复</source>
        <translation>Answer to objection %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="446"/>
        <source>记录答复</source>
        <translation>Record the answer</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="448"/>
        <source>异议处理完毕，进入确认</source>
        <translation>Objections done: confirmation</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="450"/>
        <source>记录选中投标人拒绝确认</source>
        <translation>Record a refusal by the selected bidder</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="451"/>
        <source>确认完毕，进入签字</source>
        <translation>Confirmation done: signing</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="457"/>
        <source>签署开标记录并结束开标</source>
        <translation>Sign the record and close</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="459"/>
        <source>暂停（须填原因）</source>
        <translation>Pause (reason required)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="461"/>
        <source>回退一步（须填原因）</source>
        <translation>One step back (reason required)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="464"/>
        <source>投标人不足：招标失败</source>
        <translation>Too few bidders: tender failed</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="465"/>
        <source>投标人不足：中止开标</source>
        <translation>Too few bidders: suspend</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="468"/>
        <source>开标完成</source>
        <translation>Opened</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="468"/>
        <source>招标失败</source>
        <translation>Tender failed</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="468"/>
        <source>开标中止</source>
        <translation>Opening suspended</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="512"/>
        <source>正在请求交易平台解密…（最长等待 15 秒）</source>
        <translation>Asking the platform to decrypt… (up to 15 s)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="524"/>
        <source>交易平台已开始解密</source>
        <translation>The platform has started decrypting</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="564"/>
        <source>已确认：%1</source>
        <translation>Confirmed: %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="570"/>
        <source>今日开标</source>
        <translation>Today&apos;s openings</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="572"/>
        <source>序号</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="572"/>
        <source>投标人</source>
        <translation>Bidder</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="572"/>
        <source>递交时间</source>
        <translation>Submitted</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="572"/>
        <source>签到</source>
        <translation>Attendance</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="572"/>
        <source>解密</source>
        <translation>Decryption</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="572"/>
        <source>唱标价格</source>
        <translation>Price read</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="572"/>
        <source>确认</source>
        <translation>Confirmed</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="575"/>
        <source>迟到</source>
        <translation>Late</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="575"/>
        <source>弃标</source>
        <translation>Abandoned</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="575"/>
        <source>其他（原因栏填写）</source>
        <translation>Other (give the reason)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="576"/>
        <source>异议内容</source>
        <translation>Objection</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="577"/>
        <source>提出人</source>
        <translation>Raised by</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="578"/>
        <source>主持人</source>
        <translation>Host</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="578"/>
        <source>记录人</source>
        <translation>Recorder</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="578"/>
        <source>监督人</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="581"/>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="583"/>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
</context>
</TS>
