<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>Attendance</name>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="45"/>
        <source>签到情况</source>
        <translation>Attendance</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="56"/>
        <source>已缴</source>
        <translation>paid</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="57"/>
        <source>保函</source>
        <translation>guarantee</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="58"/>
        <source>未缴</source>
        <translation>unpaid</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="59"/>
        <source>已退</source>
        <translation>refunded</translation>
    </message>
</context>
<context>
    <name>AttendanceBoard</name>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="270"/>
        <source>今日暂无开标、拍卖安排</source>
        <translation>No openings or auctions today</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="274"/>
        <source>已到 %1 / %2</source>
        <translation>Present %1 / %2</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="287"/>
        <source>号牌 %1</source>
        <translation>Paddle %1</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="288"/>
        <source>未到</source>
        <translation>Absent</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="297"/>
        <source>签到情况</source>
        <translation>Attendance</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="298"/>
        <source>请在签到机刷身份证签到。签到信息实时更新。</source>
        <translation>Check in at the kiosk with your ID card. This list updates live.</translation>
    </message>
</context>
<context>
    <name>AttendanceTab</name>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="191"/>
        <source>已签到</source>
        <translation>Checked in</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="191"/>
        <source>未到</source>
        <translation>Absent</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="193"/>
        <source>（待确认）</source>
        <translation> (to confirm)</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="209"/>
        <source>今日没有场次</source>
        <translation>No sessions today</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="211"/>
        <source>已签到 %1 / %2</source>
        <translation>Checked in %1 / %2</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="213"/>
        <source>号牌 %1 个</source>
        <translation>%1 paddles</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="218"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="218"/>
        <source>投标人/竞买人</source>
        <translation>Bidder</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="218"/>
        <source>签到人</source>
        <translation>Person</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="218"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="218"/>
        <source>签到号</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="219"/>
        <source>号牌</source>
        <translation>Paddle</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="219"/>
        <source>保证金</source>
        <translation>Deposit</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/attendance.py" line="221"/>
        <source>名单随签到实时更新（含其他终端）。签到人姓名已脱敏。</source>
        <translation>The list updates live with check-ins on every terminal. Names are masked.</translation>
    </message>
</context>
<context>
    <name>CheckinFlow</name>
    <message>
        <location filename="../../ui/checkin/flow.py" line="72"/>
        <source>开标</source>
        <extracomment>the reference a match was made with, for the English screen (kiosk.faces.REFERENCE_ZH in Chinese) seconds each page waits before giving up</extracomment>
        <translation>Opening</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="74"/>
        <source>挂牌竞价</source>
        <translation>Listing auction</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="75"/>
        <source>拍卖</source>
        <translation>Auction</translation>
    </message>
</context>
<context>
    <name>KioskCheckinFlow</name>
    <message>
        <location filename="../../ui/checkin/flow.py" line="357"/>
        <source>正在核验，请稍候……</source>
        <extracomment>picks the side to turn to (random; a demo or a test may fix it)</extracomment>
        <translation>Checking, please wait…</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="476"/>
        <source>%1 秒</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="476"/>
        <source>第 %1 次，共 %2 次</source>
        <translation>try %1 of %2</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="488"/>
        <source>正在签到……</source>
        <translation>Checking you in…</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="539"/>
        <source>签到：请将身份证放在阅读区</source>
        <translation>Check-in: place your ID card on the reader</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="540"/>
        <source>将身份证平放在下方读卡区，保持不动约 1 秒</source>
        <translation>Lay your ID card flat on the reader below and hold it still for about 1 second</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="541"/>
        <source>也可以先扫描报名二维码，再放身份证。支持居民身份证、港澳台居民居住证、外国人永久居留身份证。</source>
        <translation>You can also scan your registration QR code first, then place the card. Resident ID cards, HK/Macau/Taiwan residence permits and foreign permanent-resident ID cards are accepted.</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="542"/>
        <source>已识别报名二维码，请放置身份证</source>
        <translation>Registration QR code read — now place your ID card</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="542"/>
        <source>正在等待读卡……</source>
        <translation>Waiting for a card…</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="543"/>
        <location filename="../../ui/checkin/flow.py" line="555"/>
        <location filename="../../ui/checkin/flow.py" line="562"/>
        <location filename="../../ui/checkin/flow.py" line="574"/>
        <location filename="../../ui/checkin/flow.py" line="611"/>
        <source>返回首页</source>
        <translation>Back to home</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="545"/>
        <source>无法签到</source>
        <translation>Cannot check in</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="554"/>
        <source>请到服务窗口办理</source>
        <translation>Please go to a service window</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="557"/>
        <source>请选择要签到的场次</source>
        <translation>Choose the session to check in for</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="559"/>
        <source>%1，您今天有多个可签到的场次：</source>
        <translation>%1, you can check in for several sessions today:</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="564"/>
        <source>您已签到</source>
        <translation>You are already checked in</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="567"/>
        <source>%1 已于 %2 签到，签到号 %3</source>
        <translation>%1 checked in at %2, check-in no. %3</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="570"/>
        <source>竞买号牌 %1</source>
        <translation>Paddle %1</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="572"/>
        <source>同一场次不能重复签到。如签到单遗失，可重新打印。</source>
        <translation>You cannot check in twice for one session. If you lost your slip, print it again.</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="573"/>
        <source>重新打印签到单</source>
        <translation>Print the slip again</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="576"/>
        <source>人脸识别核验：单独告知与同意</source>
        <translation>Face check: your separate consent</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="581"/>
        <source>为核验您是否为身份证持证人本人，本机将拍摄您的面部照片，请您按提示转头以确认真人在场，并将照片与身份证芯片照片或交易平台登记的照片比对。人脸信息属于敏感个人信息，仅用于本次签到的身份核验：照片加密保存，%1 天后删除；只记录比对分值，不保存人脸特征数据，不用于其他用途。</source>
        <translation>To check that you are the holder of this ID card, the kiosk takes a photo of your face, asks you to turn your head (to see that a live person is there) and compares the photo with the photo on the card&apos;s chip or the one you registered with the trading platform. Face data is sensitive personal information and is used only to verify you for this check-in: the photo is kept encrypted and deleted after %1 days; only the comparison score is recorded, no face features are kept, and nothing is used for anything else.</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="585"/>
        <source>您可以不同意：请到服务窗口，由工作人员当面核对证件后签到，不影响您参加交易。</source>
        <translation>You may say no: a clerk at a service window will check your ID in person and check you in. It does not affect your taking part.</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="586"/>
        <source>同意，开始人脸核验</source>
        <translation>I agree: start the face check</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="587"/>
        <source>不同意，到窗口办理</source>
        <translation>No: check in at a window</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="578"/>
        <source>%1（%2），您好</source>
        <translation>Hello, %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="589"/>
        <source>请正对摄像头，将面部置于框内</source>
        <translation>Face the camera and keep your face inside the frame</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="591"/>
        <source>正在打开摄像头……</source>
        <translation>Opening the camera…</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="592"/>
        <location filename="../../ui/checkin/flow.py" line="602"/>
        <location filename="../../ui/checkin/flow.py" line="633"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="595"/>
        <source>活体检测：请按提示转头</source>
        <translation>Liveness check: turn your head as shown</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="600"/>
        <source>请再试一次。</source>
        <translation>Please try again.</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="601"/>
        <source>转头后保持约 1 秒，面部保持在画面内。</source>
        <translation>Hold the turn for about a second and keep your face in the picture.</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="604"/>
        <source>人脸比对未通过</source>
        <translation>Face check not passed</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="608"/>
        <source>签到记录已保存，等待工作人员核验。</source>
        <translation>Your check-in is recorded and waits for a clerk.</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="613"/>
        <source>请确认签到信息</source>
        <translation>Please confirm your check-in</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="615"/>
        <source>签到人：%1（%2）</source>
        <translation>Person: %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="619"/>
        <source>标的 %1</source>
        <translation>lot %1</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="620"/>
        <source>代表单位：%1</source>
        <translation>Representing: %1</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="623"/>
        <source>活体检测未通过：签到后请到服务窗口由工作人员确认身份。</source>
        <translation>Liveness check not passed: after checking in, a clerk at a service window will confirm who you are.</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="625"/>
        <source>人脸照片已采集，活体检测通过；确认后与参考照片比对。</source>
        <translation>Photo taken and liveness check passed; it is compared with the reference photo when you confirm.</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="627"/>
        <source>人脸照片已采集。</source>
        <translation>Face photo taken.</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="629"/>
        <source>摄像头不可用：签到后请到服务窗口由工作人员确认身份。</source>
        <translation>The camera is not available: after checking in, please have a clerk confirm your identity at a service window.</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="631"/>
        <source>未能采集到合格的人脸照片：签到后请到服务窗口由工作人员确认身份。</source>
        <translation>No usable face photo could be taken: after checking in, please have a clerk confirm your identity at a service window.</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="632"/>
        <source>确认签到</source>
        <translation>Check in</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="635"/>
        <source>签到成功</source>
        <translation>Checked in</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="642"/>
        <source>您的竞买号牌（请到场领取号牌）</source>
        <translation>Your paddle number (collect your paddle in the hall)</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="644"/>
        <source>签到号 %1 · %2</source>
        <translation>Check-in no. %1 · %2</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="657"/>
        <source>正在打印签到单，请稍候……</source>
        <translation>Printing your slip, please wait…</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="660"/>
        <source>请取走签到单，凭单入场。</source>
        <translation>Please take your slip; show it to enter.</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="663"/>
        <source>签到已完成，但签到单未能打印。请用手机拍下下方签到单，或到服务窗口补打。</source>
        <translation>You are checked in, but the slip could not be printed. Take a photo of the slip below, or get a copy at a service window.</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/flow.py" line="665"/>
        <source>完成</source>
        <translation>Done</translation>
    </message>
</context>
<context>
    <name>ManualCheckin</name>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="54"/>
        <source>身份证阅读器故障</source>
        <translation>ID card reader out of order</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="55"/>
        <source>护照等其他证件持有人</source>
        <translation>Passport or other document holder</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="56"/>
        <source>身份证过期，已核验临时身份证</source>
        <translation>ID card expired; temporary ID card checked</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="57"/>
        <source>黑名单数据过期，已人工查询信用信息</source>
        <translation>Blacklist data out of date; credit records checked by hand</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="58"/>
        <source>摄像头故障，已当面核对身份</source>
        <translation>Camera out of order; identity checked in person</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="59"/>
        <source>迟到，经主持人同意</source>
        <translation>Late arrival, approved by the host</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="65"/>
        <source>人工签到</source>
        <translation>Manual check-in</translation>
    </message>
</context>
<context>
    <name>ManualCheckinTab</name>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="213"/>
        <source>已签到</source>
        <translation>Checked in</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="213"/>
        <source>未签到</source>
        <translation>Not checked in</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="218"/>
        <source>找到 %1 条报名</source>
        <translation>%1 registrations found</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="219"/>
        <source>没有找到今日的报名（可按单位名称、信用代码、代表姓名或证件号查找）</source>
        <translation>No registration found today (search by company name, credit code, representative&apos;s name or document number)</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="249"/>
        <source>请先选择报名并填写姓名和证件号码</source>
        <translation>Select a registration and enter the name and document number first</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="265"/>
        <source>不可越权办理</source>
        <translation>cannot be overridden</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="268"/>
        <source>该报名已签到</source>
        <translation>This registration is already checked in</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="269"/>
        <source>核验通过，可以签到</source>
        <translation>All checks passed: ready to check in</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="275"/>
        <source>请先选择报名</source>
        <translation>Select a registration first</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="288"/>
        <source>未签到：%1</source>
        <translation>Not checked in: %1</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="292"/>
        <source>已签到：签到号 %1</source>
        <translation>Checked in: no. %1</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="294"/>
        <source>竞买号牌 %1</source>
        <translation>Paddle %1</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="306"/>
        <location filename="../../ui/checkin/clerk.py" line="318"/>
        <source>该报名尚未签到，无法补打</source>
        <translation>This registration is not checked in: nothing to reprint</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="321"/>
        <source>正在补打签到单……</source>
        <translation>Reprinting the slip…</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="327"/>
        <source>签到单已打印</source>
        <translation>slip printed</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="329"/>
        <source>打印失败：%1</source>
        <translation>printing failed: %1</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="344"/>
        <source>人脸比对不一致</source>
        <translation>face does not match</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="346"/>
        <source>无人脸照片</source>
        <translation>no face photo</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="347"/>
        <source>未完成人脸比对</source>
        <translation>face not compared</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="368"/>
        <source>人脸比对不一致：确认前请填写核验说明</source>
        <translation>Face does not match: write what you checked before confirming</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="370"/>
        <source>窗口当面核对身份</source>
        <translation>Identity checked in person at the window</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="377"/>
        <source>已确认签到，正在打印签到单……</source>
        <translation>Check-in confirmed, printing the slip…</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="389"/>
        <source>撤销签到必须填写原因</source>
        <translation>Give a reason to revoke the check-in</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="396"/>
        <source>已撤销该签到</source>
        <translation>Check-in revoked</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="401"/>
        <source>单位名称、统一社会信用代码、代表姓名或证件号码</source>
        <translation>Company name, credit code, representative&apos;s name or document number</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="402"/>
        <source>查找</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="403"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="403"/>
        <source>场次</source>
        <translation>Session</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="403"/>
        <source>投标人/竞买人</source>
        <translation>Bidder</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="403"/>
        <source>授权代表</source>
        <translation>Representatives</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="404"/>
        <source>保证金</source>
        <translation>Deposit</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="404"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="405"/>
        <source>到场人姓名</source>
        <translation>Name of the person present</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="406"/>
        <source>证件号码</source>
        <translation>Document number</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="407"/>
        <source>人工签到原因</source>
        <translation>Reason for manual check-in</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="408"/>
        <source>与报名登记一致</source>
        <translation>As registered</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="409"/>
        <source>身份证或护照号码（仅用于核对，不保存明文）</source>
        <translation>ID card or passport number (only compared, never stored in clear)</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="416"/>
        <source>越权办理：%1</source>
        <translation>Override: %1</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="417"/>
        <source>核验</source>
        <translation>Check</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="418"/>
        <source>人工签到</source>
        <translation>Manual check-in</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="419"/>
        <source>补打签到单</source>
        <translation>Reprint slip</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="420"/>
        <source>待确认（人证核验未通过或未完成）</source>
        <translation>To confirm (face check failed or not done)</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="422"/>
        <source>核验说明或撤销原因（人脸比对不一致时必填）</source>
        <translation>What you checked, or why you revoke (required when the face does not match)</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="423"/>
        <source>人证不符，撤销签到</source>
        <translation>Not the card holder: revoke</translation>
    </message>
    <message>
        <location filename="../../ui/checkin/clerk.py" line="421"/>
        <source>已当面核对，确认</source>
        <translation>Checked in person — confirm</translation>
    </message>
</context>
</TS>
