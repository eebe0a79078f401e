<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>DoorScreen</name>
    <message>
        <location filename="../../ui/experts/door.py" line="310"/>
        <source>评标区入口 · 签到 / 签退</source>
        <extracomment>reader faults (the reader itself, not a card on it): shown by the status bar, never recorded as a card seconds each page waits before going back to the card page (the card page never times out)</extracomment>
        <translation>Evaluation area · sign in / sign out</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="311"/>
        <source>请将身份证放在读卡区</source>
        <translation>Place your ID card on the reader</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="314"/>
        <source>评标专家、招标人代表和工作人员刷身份证并核验人脸后入场；离场时再刷身份证签退。手机请存入分配的手机柜。</source>
        <translation>Experts, the tenderer&apos;s representative and staff enter with their ID card and face; the card again signs out. Phones go into the locker you are given.</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="318"/>
        <source>今日暂无评标安排</source>
        <translation>No evaluation today</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="319"/>
        <source>如需帮助，请联系现场工作人员。</source>
        <translation>For help, ask the staff on site.</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="320"/>
        <source>正在核验，请稍候…</source>
        <translation>Checking, please wait…</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="322"/>
        <source>人证核验：请正视摄像头</source>
        <translation>Identity check: look at the camera</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="324"/>
        <source>请摘下帽子和口罩，正对摄像头 / Look at the camera</source>
        <translation>Take off hat and mask, look at the camera</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="325"/>
        <location filename="../../ui/experts/door.py" line="356"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="328"/>
        <source>请进</source>
        <translation>Please enter</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="328"/>
        <source>已签退</source>
        <translation>Signed out</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="328"/>
        <source>不能入场</source>
        <translation>No entry</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="339"/>
        <source>请将手机关机后放入 %1 号手机柜，关好柜门</source>
        <translation>Switch off your phone, put it into locker %1 and shut it</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="342"/>
        <source>%1 号手机柜已打开，请取回手机</source>
        <translation>Locker %1 is open: take your phone</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="345"/>
        <source>手机柜已满：请将手机交工作人员保管</source>
        <translation>No locker free: hand your phone to the staff</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="348"/>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="350"/>
        <source>您已签到 · Signed in</source>
        <translation>Signed in</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="352"/>
        <source>，%1 号手机柜</source>
        <translation>, locker %1</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="354"/>
        <source>离场请按「签退」</source>
        <translation>To leave, press Sign out</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="355"/>
        <source>签退 Sign out</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="357"/>
        <source>请稍候，工作人员将为您核验</source>
        <translation>Please wait: a staff member will check</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="362"/>
        <source>工作人员：请刷本人身份证进行核验</source>
        <translation>Staff: place your own ID card</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="363"/>
        <source>工作人员核验 · Staff check</source>
        <translation>Staff check</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="364"/>
        <source>待核验：%1</source>
        <translation>To check: %1</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="365"/>
        <source>核验情况（必填）Note of what you checked (required)</source>
        <translation>Note of what you checked (required)</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="366"/>
        <source>如：核对身份证与本人，确认无误</source>
        <translation>e.g. compared the card with the person: correct</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="367"/>
        <source>核对身份证与本人，面部特征一致，确认无误</source>
        <translation>Compared the ID card with the person: the face matches, confirmed</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="367"/>
        <source>本人与身份证不符</source>
        <translation>The person does not match the ID card</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="368"/>
        <source>证件与本人一致</source>
        <translation>Card and person match</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="368"/>
        <source>证件与本人不符</source>
        <translation>Card and person do not match</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="371"/>
        <source>如本人持有本厅账号，请输入 PIN / Your PIN if your card is linked to a hall account</source>
        <translation>Your PIN if your card is linked to a hall account</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="372"/>
        <source>准许入场 Admit</source>
        <translation>Admit</translation>
    </message>
    <message>
        <location filename="../../ui/experts/door.py" line="373"/>
        <source>不予入场 Refuse</source>
        <translation>Refuse</translation>
    </message>
</context>
<context>
    <name>EvaluationRoomBoard</name>
    <message>
        <location filename="../../ui/experts/board.py" line="56"/>
        <source>今日暂无评标安排 · No evaluation today</source>
        <translation>No evaluation today</translation>
    </message>
    <message>
        <location filename="../../ui/experts/board.py" line="64"/>
        <source>已签到 %1/%2</source>
        <translation>Signed in %1/%2</translation>
    </message>
    <message>
        <location filename="../../ui/experts/board.py" line="67"/>
        <source>工作人员 %1</source>
        <translation>Staff %1</translation>
    </message>
    <message>
        <location filename="../../ui/experts/board.py" line="69"/>
        <source>门口待核验 %1</source>
        <translation>Waiting at the door %1</translation>
    </message>
    <message>
        <location filename="../../ui/experts/board.py" line="71"/>
        <source>已签退 %1</source>
        <translation>Signed out %1</translation>
    </message>
    <message>
        <location filename="../../ui/experts/board.py" line="72"/>
        <source>录像中 ●</source>
        <translation>Recording ●</translation>
    </message>
    <message>
        <location filename="../../ui/experts/board.py" line="72"/>
        <source>未录像</source>
        <translation>Not recording</translation>
    </message>
    <message>
        <location filename="../../ui/experts/board.py" line="81"/>
        <source>评标区 · 签到情况 Evaluation rooms — signed in</source>
        <translation>Evaluation rooms — signed in</translation>
    </message>
    <message>
        <location filename="../../ui/experts/board.py" line="82"/>
        <source>评标委员会成员名单在评标结果确定前保密，本屏只显示人数。</source>
        <translation>Members&apos; names stay confidential until the result; this screen shows counts only.</translation>
    </message>
</context>
<context>
    <name>ExtractionConsole</name>
    <message>
        <location filename="../../ui/experts/console.py" line="75"/>
        <source>专家抽取</source>
        <translation>Expert draw</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="287"/>
        <source>没有待抽取的评标场次（数据来自交易平台）。
No evaluation sittings from the platform.</source>
        <extracomment>the modem&apos;s lane, or None without a modem monotonic time the open round&apos;s wait began the last draw&apos;s seed and check (for the screen and tests)</extracomment>
        <translation>No evaluation sittings from the platform.</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="293"/>
        <source>评标时间 %1 · %2
委员会 %3 人（其中招标人代表 %4 人）· 抽取：%5
最早抽取时间：%6</source>
        <translation>Evaluation at %1 · %2
Committee of %3 (of whom %4 tenderer representatives) · to draw: %5
Draw not before: %6</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="301"/>
        <source>不足，不能抽取</source>
        <translation>too few: cannot draw</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="301"/>
        <source>可抽取</source>
        <translation>can draw</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="306"/>
        <source>符合条件共 %1 人。已排除：停用/暂停 %2，禁入 %3，受雇于回避单位 %4，声明回避 %5，时间冲突 %6，本场已抽中 %7</source>
        <translation>%1 eligible. Left out: suspended/retired %2, barred %3, employed by an organisation to avoid %4, declared conflict %5, busy at the time %6, already drawn here %7</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="322"/>
        <source>第 %1 轮 · 专家库 %2 人
库哈希 pool SHA-256：%3
种子承诺 commitment：%4</source>
        <translation>Round %1 · pool of %2
Pool SHA-256: %3
Seed commitment: %4</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="326"/>
        <source>已混入平台回执</source>
        <translation>the platform&apos;s receipt mixed in</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="326"/>
        <source>未使用平台回执</source>
        <translation>no platform receipt used</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="327"/>
        <source>第 %1 轮已抽取 · %3 · 种子已公开 seed：%2</source>
        <translation>Round %1 drawn · %3 · seed revealed: %2</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="331"/>
        <source>尚未承诺。三方到场后，由招标人/代理机构代表和监督人员各自输入随机字符。</source>
        <translation>Not committed yet. Once all three are present, the tenderer&apos;s/agency&apos;s representative and the supervisor each type random characters.</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="338"/>
        <source>候补</source>
        <translation>reserve</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="338"/>
        <source>正选</source>
        <translation>member</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="363"/>
        <source>已收到平台对承诺记录的签名回执（日志第 %1 条），将混入抽取。
The platform&apos;s signed receipt of the commitment arrived and is mixed in.</source>
        <translation>The platform&apos;s signed receipt of the commitment (journal entry %1) arrived and is mixed in.</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="370"/>
        <source>等待平台回执（最多还需 %1 秒）…
Waiting for the platform&apos;s receipt (%1 s at most)…</source>
        <translation>Waiting for the platform&apos;s receipt (%1 s at most)…</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="373"/>
        <source>未收到平台回执：抽取将不混入回执，并如实记录。
No platform receipt: the draw goes ahead without one, and says so.</source>
        <translation>No platform receipt: the draw goes ahead without one, and says so.</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="402"/>
        <source>已公布库哈希和种子承诺。Pool hash and seed commitment journalled.</source>
        <translation>Pool hash and seed commitment journalled.</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="419"/>
        <source>补抽：已公布库哈希和种子承诺。Further round committed.</source>
        <translation>Further round: pool hash and seed commitment journalled.</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="438"/>
        <source>抽取完成，日志复核一致。Drawn; the journal recomputes it.</source>
        <translation>Drawn; the journal recomputes it.</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="439"/>
        <source>抽取完成，但复核不一致：%1</source>
        <translation>Drawn, but the check from the journal differs: %1</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="453"/>
        <source>已发送 %1 条短信通知。</source>
        <translation>%1 SMS invitations sent.</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="461"/>
        <source>请先在列表中选择一位专家。Choose an expert in the list first.</source>
        <translation>Choose an expert in the list first.</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="466"/>
        <source>已记录答复。Answer recorded.</source>
        <translation>Answer recorded.</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="469"/>
        <source>评标场次 Evaluation</source>
        <translation>Evaluation</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="470"/>
        <source>专家库（仅显示人数）Pool — counts only</source>
        <translation>Pool — counts only</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="471"/>
        <source>可验证随机抽取 Verifiable draw</source>
        <translation>Verifiable draw</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="472"/>
        <source>抽取结果（保密，仅本机显示）Drawn — confidential, this console only</source>
        <translation>Drawn — confidential, this console only</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="473"/>
        <source>招标人/代理机构代表输入随机字符</source>
        <translation>Tenderer&apos;s/agency&apos;s representative: random characters</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="474"/>
        <source>监督人员输入随机字符</source>
        <translation>Supervisor: random characters</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="475"/>
        <source>承诺种子 Commit</source>
        <translation>Commit</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="476"/>
        <source>抽取 Draw</source>
        <translation>Draw</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="477"/>
        <source>补抽 Further round</source>
        <translation>Further round</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="478"/>
        <source>短信通知 SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="479"/>
        <source>电话：接受</source>
        <translation>Phone: accepts</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="480"/>
        <source>电话：拒绝</source>
        <translation>Phone: declines</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="481"/>
        <source>未接通/未答复</source>
        <translation>Not reached / no answer</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="482"/>
        <location filename="../../ui/experts/console.py" line="483"/>
        <source>专业</source>
        <translation>Specialty</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="482"/>
        <source>抽取+候补</source>
        <translation>Draw + reserves</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="482"/>
        <source>符合条件</source>
        <translation>Eligible</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="482"/>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="483"/>
        <source>轮-序</source>
        <translation>Round-order</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="483"/>
        <source>专家编号</source>
        <translation>Expert id</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="483"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="484"/>
        <source>类别</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../ui/experts/console.py" line="484"/>
        <source>通知状态</source>
        <translation>Invitation</translation>
    </message>
</context>
</TS>
