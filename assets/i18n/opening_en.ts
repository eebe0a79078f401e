<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>KioskObjectionFlow</name>
    <message>
        <location filename="../../ui/opening/objection.py" line="315"/>
        <location filename="../../ui/opening/objection.py" line="317"/>
        <source>开标异议</source>
        <translation>Opening objection</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="318"/>
        <source>请将身份证放在读卡器上</source>
        <translation>Place your ID card on the reader</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="319"/>
        <source>已签到的投标人代表可在开标过程中当场提出异议，主持人当场答复并记录；提交后打印异议回执。</source>
        <translation>Representatives of bidders who have checked in may object on the spot at any time during the opening; the host answers on the spot and it is recorded. A receipt is printed.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="320"/>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="321"/>
        <source>不能提出异议</source>
        <translation>No objection possible</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="324"/>
        <source>如有疑问，请向现场工作人员或主持人提出。</source>
        <translation>If in doubt, ask the staff or the host in the room.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="325"/>
        <source>返回首页</source>
        <translation>Home</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="326"/>
        <source>请选择您代表的投标人</source>
        <translation>Choose the bidder you represent</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="327"/>
        <source>您在以下开标中签到为投标人代表</source>
        <translation>You checked in as a representative in these openings</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="328"/>
        <location filename="../../ui/opening/objection.py" line="340"/>
        <location filename="../../ui/opening/objection.py" line="348"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="330"/>
        <source>您对哪方面有异议？</source>
        <translation>What is your objection about?</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="341"/>
        <source>请确认提交异议</source>
        <translation>Confirm your objection</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="344"/>
        <source>补充说明（可不填，最多 %1 字）</source>
        <translation>Details (optional, at most %1 characters)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="345"/>
        <source>可不填：只选类别即可提交</source>
        <translation>Optional: the category alone is enough</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="346"/>
        <source>提交异议</source>
        <translation>Submit</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="347"/>
        <source>重选类别</source>
        <translation>Change category</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="349"/>
        <source>异议已提交，主持人将当场答复</source>
        <translation>Objection submitted; the host will answer it on the spot</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="351"/>
        <source>第 %1 号</source>
        <translation>No. %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="352"/>
        <source>回执编号：%1</source>
        <translation>Receipt no.: %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="357"/>
        <source>正在打印异议回执…</source>
        <translation>Printing the objection receipt…</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="359"/>
        <source>异议回执已打印，请取走并妥善保管</source>
        <translation>The objection receipt is printed: please take it and keep it</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="361"/>
        <source>异议回执未能打印：%1。异议已记录在案，下方为回执内容，可拍照留存。</source>
        <translation>The objection receipt could not be printed: %1. The objection is on record; the receipt is shown below, you may photograph it.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="363"/>
        <source>请回到开标室，异议编号为第 %1 号；答复将记入开标记录。</source>
        <translation>Please return to the opening room. Your objection is No. %1; the answer goes into the opening record.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="364"/>
        <source>完成</source>
        <translation>Done</translation>
    </message>
</context>
<context>
    <name>Opening</name>
    <message>
        <location filename="../../ui/opening/console.py" line="136"/>
        <source>开标</source>
        <extracomment>the roles signed in at the host console, in the order the record names them who signs the record always; a witness and a 招标人代表 who hold a role sign too the absence reasons the console offers: 弃标 is not one of them — a bidder leaves the count only by its written withdrawal (REG 35, D1), recorded with the withdrawal fields, after which its absence reads 弃标 the 开标人/主持人 signed in at this console the 记录人 signed in at this console (kind, reference, received_at) of a written withdrawal</extracomment>
        <translation>Bid opening</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="141"/>
        <source>待开标</source>
        <translation>Scheduled</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="142"/>
        <source>宣布纪律</source>
        <translation>Discipline</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="143"/>
        <source>公布投标人</source>
        <translation>Bidders</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="144"/>
        <source>签到点名</source>
        <translation>Roll call</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="145"/>
        <source>公布控制价</source>
        <translation>Publish the control price</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="146"/>
        <source>解密</source>
        <translation>Decryption</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="147"/>
        <source>唱标</source>
        <translation>Reading</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="148"/>
        <source>异议</source>
        <translation>Objections</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="149"/>
        <source>投标人确认</source>
        <translation>Confirmation</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="150"/>
        <source>记录签字</source>
        <translation>Signing</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="151"/>
        <source>结束</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="158"/>
        <source>未解密</source>
        <translation>Not decrypted</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="159"/>
        <source>解密中</source>
        <translation>Decrypting</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="160"/>
        <source>解密成功</source>
        <translation>Decrypted</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="161"/>
        <source>失败（视为撤销）</source>
        <translation>Failed (deemed revoked)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="162"/>
        <source>失败（视为撤回）</source>
        <translation>Failed (deemed withdrawn)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="168"/>
        <source>现场</source>
        <translation>In the room</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="170"/>
        <source>在线</source>
        <translation>Online</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="172"/>
        <source>未到：</source>
        <translation>Absent: </translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="173"/>
        <source>未到</source>
        <translation>Absent</translation>
    </message>
</context>
<context>
    <name>OpeningBoard</name>
    <message>
        <location filename="../../ui/opening/board.py" line="193"/>
        <source>开标时间 %1 · %2</source>
        <extracomment>a bidder list longer than the wall has room for shows a page at a time, this long each one load: (session shown, its view, the candidate session checked, the role holders)</extracomment>
        <translation>Opening %1 · %2</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="220"/>
        <source>开标室</source>
        <translation>Opening room</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="221"/>
        <source>今日暂无开标</source>
        <translation>No opening today</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="232"/>
        <source>开标中止</source>
        <translation>Opening suspended</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="232"/>
        <source>不得开标</source>
        <translation>No opening</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="234"/>
        <source>暂停：%1</source>
        <translation>Paused: %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="241"/>
        <source>解密进度 %1 / %2</source>
        <translation>Decrypted %1 / %2</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="248"/>
        <source>工期 %1 天</source>
        <translation>Duration %1 days</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="249"/>
        <source>质量 %1</source>
        <translation>Quality %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="272"/>
        <source>投标截止时间到达后公布投标人名单 · 时间以交易平台时钟为准</source>
        <translation>Bidders are published at the bid deadline · times by the platform clock</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="294"/>
        <source>现场 %1 · 在线 %2 · 未到 %3</source>
        <translation>In the room %1 · online %2 · absent %3</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="297"/>
        <source>名单第 %1/%2 页</source>
        <translation>List page %1/%2</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="312"/>
        <source>开标异议 %1 条（在线 %3 条） · 待答复 %2 条</source>
        <translation>Objections %1 (online %3) · awaiting answer %2</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="314"/>
        <source>现场异议 %1 条 · 待答复 %2 条</source>
        <translation>Objections: %1 · awaiting answer: %2</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="324"/>
        <source>已答复：%1</source>
        <translation>Answered: %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="324"/>
        <source>待主持人答复</source>
        <translation>awaiting the host&apos;s answer</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="325"/>
        <source>〔在线〕</source>
        <translation>[online] </translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="361"/>
        <source>已书面撤销</source>
        <translation>Revoked in writing</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="361"/>
        <source>已书面撤回</source>
        <translation>Withdrawn in writing</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="364"/>
        <source>序号</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="364"/>
        <source>投标人</source>
        <translation>Bidder</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="364"/>
        <source>签到</source>
        <translation>Attendance</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="364"/>
        <source>解密</source>
        <translation>Decryption</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="364"/>
        <source>投标报价</source>
        <translation>Bid price</translation>
    </message>
    <message>
        <location filename="../../ui/opening/board.py" line="290"/>
        <source>投标人 %1 家 · 有效 %2 家 · 时间以交易平台时钟为准</source>
        <translation>%1 bidders · %2 valid · times by the platform clock</translation>
    </message>
</context>
<context>
    <name>OpeningConsole</name>
    <message>
        <location filename="../../ui/opening/console.py" line="470"/>
        <source>开标时间 %1 · %2</source>
        <translation>Opening %1 · %2</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="511"/>
        <source>今日本开标室没有开标安排</source>
        <translation>No opening in this room today</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="512"/>
        <source>开标安排来自交易平台；请在管理界面查看同步状态。</source>
        <translation>Openings come from the platform; check the sync status in the admin console.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="520"/>
        <source>已暂停：%1</source>
        <translation>Paused: %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="531"/>
        <source>控制价 %1</source>
        <translation>Control price %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="535"/>
        <source>投标人 %1 家，有效 %2 家，法定最少 %3 家</source>
        <translation>%1 bidders, %2 valid, legal minimum %3</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="543"/>
        <source>解密进度 %1 / %2</source>
        <translation>Decrypted %1 / %2</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="555"/>
        <source>投标人在自助终端提出</source>
        <translation>raised by the bidder at a kiosk</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="555"/>
        <source>主持人录入</source>
        <translation>entered by the host</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="556"/>
        <source>异议待当场答复 %1 条 · 第 %2 号（%3）%4：%5</source>
        <translation>%1 objection(s) to answer now · No. %2 (%3) %4: %5</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="611"/>
        <source>当前阶段：%1</source>
        <translation>Stage: %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="612"/>
        <source>当前阶段：%1（%2）</source>
        <translation>Stage: %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="617"/>
        <source>开标前 30 分钟内可宣布开标纪律。开标时间以交易平台时钟为准。</source>
        <translation>The discipline may be announced within 30 minutes of the opening. Times follow the platform clock.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="618"/>
        <source>投标截止时间到达后，公布按时递交投标文件的投标人名单（按递交顺序）。</source>
        <translation>At the bid deadline, publish the bidders whose bids arrived in time (in submission order).</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="619"/>
        <source>投标人名单已公布。开始点名签到：签到情况随签到终端实时更新。</source>
        <translation>Bidders published. Start the roll call: check-ins appear live.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="620"/>
        <source>未签到的投标人须记录缺席原因（在表格中选中该投标人）。点名结束后系统检查有效投标人数量。</source>
        <translation>Record a reason for every absent bidder (select it in the table). Closing the roll call checks the number of valid bids.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="621"/>
        <source>公布招标控制价（标底）后，于开标时间到达后请求交易平台解密。</source>
        <translation>Publish the control price, then ask the platform to decrypt once the opening time has come.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="622"/>
        <source>解密进行中，进度来自交易平台。全部解密完成后方可唱标。</source>
        <translation>Decrypting; progress comes from the platform. Bids are read only when all are decrypted.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="623"/>
        <source>按递交顺序逐家唱标：投标人、投标总价（小写及大写）、工期、质量等。</source>
        <translation>Read each bid in submission order: bidder, total price (figures and capitals), duration, quality.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="624"/>
        <source>投标人对开标有异议的，当场提出，主持人当场答复并记录。</source>
        <translation>Objections are raised on the spot; the host answers on the spot and it is recorded.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="627"/>
        <source>开标结束，开标记录已生成并登记，随日志上传交易平台。</source>
        <translation>Opening closed; the record is made and registered, and goes to the platform with the journal.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="641"/>
        <source>恢复开标</source>
        <translation>Resume</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="644"/>
        <source>宣布开标纪律</source>
        <translation>Announce the discipline</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="646"/>
        <source>公布投标人名单</source>
        <translation>Publish the bidders</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="648"/>
        <source>开始点名签到</source>
        <translation>Start the roll call</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="651"/>
        <source>记录选中投标人缺席</source>
        <translation>Record the selected bidder as absent</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="655"/>
        <source>点名结束，检查投标人数量</source>
        <translation>Close roll call, check quorum</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="658"/>
        <source>公布控制价</source>
        <translation>Publish the control price</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="660"/>
        <source>开始解密</source>
        <translation>Start decryption</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="663"/>
        <source>解密完成，进入唱标</source>
        <translation>Decryption done: read the bids</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="667"/>
        <source>唱标：第 %1 家 %2</source>
        <translation>Read bid %1: %2</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="670"/>
        <source>唱标结束</source>
        <translation>Reading done</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="686"/>
        <source>有异议尚未答复：答复后才能签署开标记录。</source>
        <translation>An objection is still unanswered: answer it before the record can be signed.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="694"/>
        <source>投标人书面撤回或撤销投标文件的：选中该投标人，填写通知编号和收到时间后登记（弃标须有书面通知）。</source>
        <translation>A bidder that withdrew or revoked its bid in writing: select it, enter the notice&apos;s number and when it was received, and record it (a bidder is dropped only on its written notice).</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="695"/>
        <source>登记选中投标人的书面撤回/撤销</source>
        <translation>Record the selected bidder&apos;s written withdrawal</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="702"/>
        <source>记录异议</source>
        <translation>Record the objection</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="706"/>
        <source>对第 %1 条异议的当场答复</source>
        <translation>Answer to objection %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="707"/>
        <source>记录答复</source>
        <translation>Record the answer</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="672"/>
        <source>异议处理完毕，进入确认</source>
        <translation>Objections done: confirmation</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="674"/>
        <source>记录选中投标人拒绝确认</source>
        <translation>Record a refusal by the selected bidder</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="679"/>
        <source>确认完毕，进入签字</source>
        <translation>Confirmation done: signing</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="687"/>
        <source>签署开标记录并结束开标</source>
        <translation>Sign the record and close</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="743"/>
        <source>不得开标，依法重新招标</source>
        <translation>No opening; the tender is to be repeated</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="792"/>
        <source>正在办理，请稍候……</source>
        <translation>Working on it, please wait…</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="835"/>
        <location filename="../../ui/opening/console.py" line="836"/>
        <source>正在生成并签署开标记录…</source>
        <translation>Generating and signing the record…</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="690"/>
        <source>打印开标记录表</source>
        <translation>Print the opening record</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="483"/>
        <source>不见面开标 · 现场 %1 · 在线 %2 · 未到 %3</source>
        <translation>Remote opening · in the room %1 · online %2 · absent %3</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="487"/>
        <source>尚未收到交易平台的在线事件</source>
        <translation>no online events from the platform yet</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="492"/>
        <source>在线事件已同步 %1（%2 秒前）</source>
        <translation>online events up to date at %1 (%2 s ago)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="493"/>
        <source>无法连接交易平台：在线事件自 %1 起未能同步（%2 秒）。结束异议、在线确认将等待连接恢复</source>
        <translation>Platform unreachable: no online events since %1 (%2 s). Closing objections and online confirmations wait until it is back</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="555"/>
        <source>在线投标人提出</source>
        <translation>raised online by the bidder</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="625"/>
        <source>请到场的投标人代表将身份证放在本机读卡器上确认开标记录；拒绝确认的，选中该投标人并填写理由。在线投标人通过交易平台签章确认。</source>
        <translation>Representatives in the room confirm the record by placing their ID card on this console&apos;s reader; for a refusal select the bidder and enter the reason. Online bidders confirm with their signature on the platform.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="626"/>
        <source>开标人/主持人、记录人、监标人/监督人（及在场的见证人、招标人代表）依次点“签字确认”并在读卡器上放置本人身份证（本厅账号代行者输入 PIN），全部确认后签署开标记录。</source>
        <translation>The host, the recorder and the supervisor (and a witness and the tenderer&apos;s representative who are present) each press “Confirm signature” and place their own ID card on the reader (an account standing in enters its PIN); once all have confirmed, sign the record.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="633"/>
        <source>原因/说明（暂停、恢复、不得开标、缺席、拒绝确认等须填写）</source>
        <translation>Reason (required to pause, resume, record no opening, absence, refusal…)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="636"/>
        <source>开标人/主持人须先在本机读卡器上放置本人身份证登记角色，之后才能进行开标操作。</source>
        <translation>The host first signs in by placing their own ID card on this console&apos;s reader; only then can the opening proceed.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="677"/>
        <source>记录选中在线投标人未确认</source>
        <translation>Record: selected online bidder did not confirm</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="683"/>
        <source>尚待签字确认：%1</source>
        <translation>Still to confirm their signature: %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="710"/>
        <source>暂停（须填原因）</source>
        <translation>Pause (reason required)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="712"/>
        <source>回退一步（须填原因）</source>
        <translation>One step back (reason required)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="720"/>
        <source>正在打印开标记录表…</source>
        <translation>Printing the opening record…</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="738"/>
        <source>投标人少于 %1 个：不得开标（须填原因）</source>
        <translation>Fewer than %1 bidders: no opening (reason required)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="743"/>
        <source>开标完成</source>
        <translation>Opened</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="744"/>
        <source>开标中止</source>
        <translation>Opening suspended</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="809"/>
        <source>开标记录已签署，开标结束</source>
        <translation>Record signed; the opening is closed</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="857"/>
        <source>正在请求交易平台解密…（最长等待 15 秒）</source>
        <translation>Asking the platform to decrypt… (up to 15 s)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="869"/>
        <source>交易平台已开始解密</source>
        <translation>The platform has started decrypting</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="906"/>
        <source>已确认：%1</source>
        <translation>Confirmed: %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="915"/>
        <source>今日开标</source>
        <translation>Today&apos;s openings</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="917"/>
        <source>序号</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="917"/>
        <source>投标人</source>
        <translation>Bidder</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="917"/>
        <source>递交时间</source>
        <translation>Submitted</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="917"/>
        <source>签到</source>
        <translation>Attendance</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="917"/>
        <source>解密</source>
        <translation>Decryption</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="917"/>
        <source>唱标价格</source>
        <translation>Price read</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="917"/>
        <source>确认</source>
        <translation>Confirmed</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="920"/>
        <source>迟到</source>
        <translation>Late</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="920"/>
        <source>其他（原因栏填写）</source>
        <translation>Other (give the reason)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="922"/>
        <source>异议内容</source>
        <translation>Objection</translation>
    </message>
    <message>
        <location filename="../../ui/opening/console.py" line="923"/>
        <source>提出人</source>
        <translation>Raised by</translation>
    </message>
</context>
<context>
    <name>OpeningLegal</name>
    <message>
        <location filename="../../ui/opening/legal.py" line="40"/>
        <source>投标人少于 %1 个（现有 %2 个）：依法不得开标，等待主持人确认</source>
        <translation>Fewer than %1 bidders (%2): the bids may not be opened (REG 44); waiting for the host to confirm</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="43"/>
        <source>投标人少于 %1 个（现有 %2 个）：不得开标，依法重新招标</source>
        <translation>Fewer than %1 bidders (%2): not opened; the tender is to be repeated</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="44"/>
        <location filename="../../ui/opening/legal.py" line="46"/>
        <source>原因：%1</source>
        <translation>Reason: %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="46"/>
        <source>开标中止</source>
        <translation>Opening suspended</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="55"/>
        <source>解密后有效投标 %1 家，少于 %2 家：开标继续，提请评标委员会依法评审</source>
        <translation>%1 valid bids after decryption, fewer than %2: the opening goes on; the evaluation committee decides</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="61"/>
        <source>已递交</source>
        <translation>Submitted</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="61"/>
        <source>电子保函</source>
        <translation>Electronic guarantee</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="61"/>
        <source>未递交</source>
        <translation>Not submitted</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="61"/>
        <source>已退还</source>
        <translation>Refunded</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="62"/>
        <source>已没收</source>
        <translation>Forfeited</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="62"/>
        <source>无记录</source>
        <translation>No record</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="70"/>
        <source>投标保证金：%1</source>
        <translation>Bid bond: %1</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="82"/>
        <source>已确认</source>
        <translation>Confirmed</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="82"/>
        <source>拒绝确认</source>
        <translation>Refused to confirm</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="82"/>
        <source>未到场，视同认可</source>
        <translation>Absent, deemed to accept</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="82"/>
        <source>未到场</source>
        <translation>Absent</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="83"/>
        <source>在线未确认</source>
        <translation>No online answer</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="84"/>
        <source>（在线签章）</source>
        <translation> (signed online)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="89"/>
        <source>信用黑名单：市场禁入</source>
        <translation>Credit blacklist: market ban</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="89"/>
        <source>同一人代理多家投标人</source>
        <translation>One person represents several bidders</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="116"/>
        <source>签到核验提示（已准予入场，投标是否有效由评标委员会依法认定）</source>
        <translation>Check-in findings (admitted; whether the bid is valid is for the evaluation committee)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="160"/>
        <source>书面撤回（截止前）</source>
        <translation>Withdrawn in writing (before the deadline)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="161"/>
        <source>书面撤销（截止后）</source>
        <translation>Revoked in writing (after the deadline)</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="163"/>
        <source>书面通知编号或平台撤回记录号</source>
        <translation>Number of the written notice or of the platform&apos;s withdrawal record</translation>
    </message>
    <message>
        <location filename="../../ui/opening/legal.py" line="164"/>
        <source>收到时间，如 2026-12-06 16:00</source>
        <translation>Received at, e.g. 2026-12-06 16:00</translation>
    </message>
</context>
<context>
    <name>OpeningObjection</name>
    <message>
        <location filename="../../ui/opening/objection.py" line="57"/>
        <source>对投标人名单有异议</source>
        <extracomment>seconds each page waits before going home</extracomment>
        <translation>The list of bidders</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="58"/>
        <source>对解密结果有异议</source>
        <translation>The decryption results</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="59"/>
        <source>对唱标内容有异议</source>
        <translation>What was read out</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="60"/>
        <source>对开标程序有异议</source>
        <translation>The opening procedure</translation>
    </message>
    <message>
        <location filename="../../ui/opening/objection.py" line="61"/>
        <source>其他异议</source>
        <translation>Something else</translation>
    </message>
</context>
</TS>
