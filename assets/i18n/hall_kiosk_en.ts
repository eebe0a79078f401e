<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AdminPinDialog</name>
    <message>
        <location filename="../../ui/widgets.py" line="337"/>
        <source>管理员验证</source>
        <translation>Administrator check</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="338"/>
        <source>退出全屏需要管理员 PIN 码</source>
        <translation>Leaving full screen needs an administrator PIN</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="339"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>AdminWork</name>
    <message>
        <location filename="../../ui/roles/consoles.py" line="211"/>
        <source>日志编号 %1 · 共 %2 条 · 最新序号 %3
最新哈希 %4</source>
        <extracomment>set by console_for; who is logged in</extracomment>
        <translation>Journal %1 · %2 entries · last seq %3
Last hash %4</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="227"/>
        <source>未配置交易平台：本终端单机运行，记录保存在本地日志中，配置平台后自动补传。</source>
        <translation>No trading platform configured: this terminal runs stand-alone; records stay in the local journal and are sent once a platform is configured.</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="230"/>
        <source>在线：%1
待传记录：%2
已送达序号：%3
告警：%4
最近错误：%5</source>
        <translation>Online: %1
Records waiting: %2
Delivered up to seq: %3
Alarm: %4
Last error: %5</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="231"/>
        <source>是</source>
        <translation>yes</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="231"/>
        <source>否</source>
        <translation>no</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="239"/>
        <source>停用</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="239"/>
        <source>正常</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="248"/>
        <source>个人信息（身份证号、人脸照片）保留 %1 天，到期后各终端每 6 小时自动清除，只保留哈希。
现已到期待清除：人脸照片 %2 张（其中未上传 %3 张），代理人身份证号 %4 条，自然人投标人证件号 %5 条，过期黑名单证件号 %6 条。</source>
        <translation>Personal data (ID numbers, face photos) is kept %1 days; after that every terminal purges it automatically every 6 hours and only hashes remain.
Due now: %2 face photos (%3 not uploaded), %4 representatives&apos; ID numbers, %5 natural-person bidders&apos; ID numbers, %6 expired blacklist ID numbers.</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="256"/>
        <source>尚未清除过。</source>
        <translation>Never purged yet.</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="260"/>
        <source>上次清除：%1（日志第 %2 条）：人脸照片 %3 张，身份证号 %4 条。</source>
        <translation>Last purge: %1 (journal entry %2): %3 face photos, %4 ID numbers.</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="273"/>
        <source>已清除 %1 项个人信息，已记入日志。</source>
        <translation>Purged %1 items of personal data; recorded in the journal.</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="279"/>
        <source>日志完整：%1 条，哈希链校验通过。</source>
        <translation>Journal intact: %1 entries, hash chain verified.</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="283"/>
        <source>日志被篡改：第 %1 条起校验失败（%2）</source>
        <translation>Journal tampered with: check fails from entry %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="290"/>
        <source>日志</source>
        <translation>Journal</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="291"/>
        <location filename="../../ui/roles/consoles.py" line="298"/>
        <source>设备</source>
        <translation>Devices</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="292"/>
        <source>平台同步</source>
        <translation>Platform sync</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="293"/>
        <source>操作员</source>
        <translation>Operators</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="294"/>
        <source>个人信息保留</source>
        <translation>Personal data</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="295"/>
        <source>立即清除到期个人信息</source>
        <translation>Purge due personal data now</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="296"/>
        <source>校验日志哈希链</source>
        <translation>Verify the journal hash chain</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="297"/>
        <source>序号</source>
        <translation>Seq</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="297"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="297"/>
        <source>事件</source>
        <translation>Event</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="297"/>
        <source>终端</source>
        <translation>Terminal</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="298"/>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="298"/>
        <location filename="../../ui/roles/consoles.py" line="299"/>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="299"/>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="299"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="299"/>
        <source>角色</source>
        <translation>Role</translation>
    </message>
</context>
<context>
    <name>ClearDelayDialog</name>
    <message>
        <location filename="../../ui/widgets.py" line="320"/>
        <source>解除等待</source>
        <translation>Clear the wait</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="321"/>
        <source>为 %1 解除等待：管理员或同岗位人员输入本人用户名和 PIN 码</source>
        <translation>Clear the wait for %1: an admin or a colleague of the same role enters their own username and PIN</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="322"/>
        <source>您的用户名</source>
        <translation>Your username</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="323"/>
        <source>您的 PIN 码</source>
        <translation>Your PIN</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="324"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>DemoCardPanel</name>
    <message>
        <location filename="../../hallkiosk/demo_cards.py" line="119"/>
        <source>演示用身份证 Demo ID cards</source>
        <extracomment>masked name and what they are in the demo day (label, card file), in start order</extracomment>
        <translation>Demo ID cards</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/demo_cards.py" line="120"/>
        <source>从这里启动的每个终端都有自己的模拟读卡器；选择终端和人员，把证件放到读卡器上（如开标主持人登记角色、投标人代表签到）。</source>
        <translation>Every terminal started here has a simulated ID reader of its own: pick a terminal and a person and place their card on it (e.g. the opening host taking the role, a representative checking in).</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/demo_cards.py" line="126"/>
        <source>读卡器</source>
        <translation>Reader</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/demo_cards.py" line="128"/>
        <source>证件</source>
        <translation>Card</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/demo_cards.py" line="142"/>
        <source>放到读卡器上</source>
        <translation>Place on the reader</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/demo_cards.py" line="143"/>
        <source>拿走证件</source>
        <translation>Take the card away</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/demo_cards.py" line="163"/>
        <source>先启动一个终端。</source>
        <translation>Start a terminal first.</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/demo_cards.py" line="169"/>
        <source>模拟读卡器未能启动：%1</source>
        <translation>The simulated ID reader did not start: %1</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/demo_cards.py" line="180"/>
        <source>已放到 %1 的读卡器上：%2</source>
        <translation>Placed on the reader of %1: %2</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/demo_cards.py" line="188"/>
        <source>已从 %1 的读卡器上拿走证件</source>
        <translation>Took the card off the reader of %1</translation>
    </message>
</context>
<context>
    <name>Devices</name>
    <message>
        <location filename="../../ui/shell.py" line="48"/>
        <source>身份证阅读器</source>
        <translation>ID card reader</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="49"/>
        <source>扫码器</source>
        <translation>Code scanner</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="50"/>
        <source>打印机</source>
        <translation>Printer</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="51"/>
        <source>竞价器</source>
        <translation>Bidder keypads</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="52"/>
        <source>摄像头</source>
        <translation>Camera</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="53"/>
        <source>短信猫</source>
        <translation>SMS modem</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="54"/>
        <source>门禁</source>
        <translation>Door</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="55"/>
        <source>手机柜</source>
        <translation>Phone lockers</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="61"/>
        <source>正常</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="62"/>
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="63"/>
        <source>重连中</source>
        <translation>Reconnecting</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="64"/>
        <source>故障</source>
        <translation>Fault</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="65"/>
        <source>未知</source>
        <translation>Unknown</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="66"/>
        <source>未配置</source>
        <translation>Not configured</translation>
    </message>
</context>
<context>
    <name>FeedDeadLettersView</name>
    <message>
        <location filename="../../ui/feed_dead_letters.py" line="54"/>
        <source>以下 %1 条平台数据格式有误，未写入本终端；同一数据源的其余数据已正常更新。请联系交易平台更正，更正后的数据到达时自动写入并从此列表移除。</source>
        <translation>%1 platform record(s) below are malformed and were not applied here; the rest of each feed was applied. Ask the platform to correct them: a corrected record is applied when it arrives and leaves this list.</translation>
    </message>
    <message>
        <location filename="../../ui/feed_dead_letters.py" line="58"/>
        <source>平台数据全部已写入，没有格式有误的数据。</source>
        <translation>Every platform record has been applied; none is malformed.</translation>
    </message>
    <message>
        <location filename="../../ui/feed_dead_letters.py" line="61"/>
        <source>未写入的平台数据</source>
        <translation>Platform records not applied</translation>
    </message>
    <message>
        <location filename="../../ui/feed_dead_letters.py" line="62"/>
        <source>数据源</source>
        <translation>Feed</translation>
    </message>
    <message>
        <location filename="../../ui/feed_dead_letters.py" line="62"/>
        <source>键</source>
        <translation>Key</translation>
    </message>
    <message>
        <location filename="../../ui/feed_dead_letters.py" line="62"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/feed_dead_letters.py" line="62"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <location filename="../../ui/shell.py" line="303"/>
        <source>公共资源交易中心</source>
        <translation>Public Resource Trading Centre</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="306"/>
        <source>退出登录</source>
        <translation>Log out</translation>
    </message>
</context>
<context>
    <name>KioskHome</name>
    <message>
        <location filename="../../ui/roles/kiosk.py" line="142"/>
        <source>欢迎光临 · 请选择服务</source>
        <translation>Welcome · please choose a service</translation>
    </message>
    <message>
        <location filename="../../ui/roles/kiosk.py" line="143"/>
        <source>签到</source>
        <translation>Check in</translation>
    </message>
    <message>
        <location filename="../../ui/roles/kiosk.py" line="143"/>
        <source>取号</source>
        <translation>Take a ticket</translation>
    </message>
    <message>
        <location filename="../../ui/roles/kiosk.py" line="143"/>
        <source>查询</source>
        <translation>Look up</translation>
    </message>
    <message>
        <location filename="../../ui/roles/kiosk.py" line="143"/>
        <source>开标异议</source>
        <translation>Opening objection</translation>
    </message>
    <message>
        <location filename="../../ui/roles/kiosk.py" line="145"/>
        <source>开标、拍卖到场签到（身份证或二维码）</source>
        <translation>Check in for an opening or auction (ID card or QR code)</translation>
    </message>
    <message>
        <location filename="../../ui/roles/kiosk.py" line="146"/>
        <source>业务办理排队取号</source>
        <translation>Queue ticket for the service windows</translation>
    </message>
    <message>
        <location filename="../../ui/roles/kiosk.py" line="147"/>
        <source>查询我的排队号和签到</source>
        <translation>Find my ticket or check-in</translation>
    </message>
    <message>
        <location filename="../../ui/roles/kiosk.py" line="148"/>
        <source>已签到的投标人代表当场提出开标异议（身份证）</source>
        <translation>Checked-in bidders&apos; representatives raise an objection to the opening (ID card)</translation>
    </message>
    <message>
        <location filename="../../ui/roles/kiosk.py" line="154"/>
        <source>本终端未开通此项服务</source>
        <translation>not offered at this terminal</translation>
    </message>
    <message>
        <location filename="../../ui/roles/kiosk.py" line="155"/>
        <source>今日交易安排</source>
        <translation>Today&apos;s sessions</translation>
    </message>
    <message>
        <location filename="../../ui/roles/kiosk.py" line="156"/>
        <source>如需帮助，请到服务窗口咨询。</source>
        <translation>Need help? Please ask at a service window.</translation>
    </message>
</context>
<context>
    <name>Launcher</name>
    <message>
        <location filename="../../hallkiosk/launcher.py" line="28"/>
        <source>自助签到、取号、查询（触摸屏）</source>
        <translation>Self-service check-in, tickets, look-up (touch)</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/launcher.py" line="29"/>
        <source>窗口叫号、人工签到、补打</source>
        <translation>Call tickets, manual check-in, reprints</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/launcher.py" line="30"/>
        <source>大厅大屏：叫号、开标、拍卖信息</source>
        <translation>Wall board: calls, openings, auctions</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/launcher.py" line="31"/>
        <source>开标主持：签到、唱标、记录</source>
        <translation>Bid opening: attendance, reading of bids, record</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/launcher.py" line="32"/>
        <source>拍卖师：出价、叫价、落槌</source>
        <translation>Auctioneer: bids, calls, hammer</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/launcher.py" line="33"/>
        <source>设备、同步、日志校验、操作员</source>
        <translation>Devices, sync, journal check, operators</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/launcher.py" line="34"/>
        <source>专家抽取：可验证随机抽取、短信通知</source>
        <translation>Expert draw: verifiable random draw, SMS invitations</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/launcher.py" line="35"/>
        <source>监督大屏：各会议室实时画面、预警、暂停指令</source>
        <translation>Supervision wall: every room live, alerts, pause orders</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/launcher.py" line="53"/>
        <source>选择终端角色</source>
        <extracomment>a demo terminal&apos;s own ID reader started (&quot;&quot;) or failed (why), from the thread that starts it</extracomment>
        <translation>Choose a terminal role</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/launcher.py" line="54"/>
        <source>每个角色以独立进程启动，共用同一数据目录：%1</source>
        <translation>Each role starts as its own process on the same data dir: %1</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/launcher.py" line="69"/>
        <source>评标区门禁
专家刷证、人脸核验、手机柜</source>
        <translation>Evaluation-area door
experts: ID card, face check, phone lockers</translation>
    </message>
    <message>
        <location filename="../../hallkiosk/launcher.py" line="71"/>
        <source>评标区门禁</source>
        <translation>Evaluation-area door</translation>
    </message>
</context>
<context>
    <name>LoginPanel</name>
    <message>
        <location filename="../../ui/widgets.py" line="145"/>
        <source>工作人员登录</source>
        <translation>Staff login</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="145"/>
        <source>请设置新的 PIN 码</source>
        <extracomment>logged in, PIN to change (and the old PIN) the username told to wait after wrong PINs the new PIN again (change mode only) change mode: keep the short PIN for now after wrong PINs: a colleague or an admin clears the wait</extracomment>
        <translation>Please set a new PIN</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="146"/>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="147"/>
        <source>PIN 码</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="147"/>
        <source>新 PIN 码（6–12 位数字）</source>
        <translation>New PIN (6–12 digits)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="148"/>
        <source>再次输入新 PIN 码</source>
        <translation>New PIN again</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="149"/>
        <source>请输入用户名</source>
        <translation>Enter your username</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="150"/>
        <source>请输入 PIN 码</source>
        <translation>Enter your PIN</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="150"/>
        <source>请输入新 PIN 码</source>
        <translation>Enter the new PIN</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="151"/>
        <source>请再次输入</source>
        <translation>Enter it again</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="152"/>
        <source>登录</source>
        <translation>Log in</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="152"/>
        <source>更换 PIN 码</source>
        <translation>Change PIN</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="153"/>
        <source>稍后更换</source>
        <translation>Later</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="154"/>
        <source>请管理员或同岗位人员解除等待</source>
        <translation>Ask an admin or a colleague of the same role to clear the wait</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="187"/>
        <source>请输入用户名和 PIN 码</source>
        <translation>Enter your username and PIN</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="190"/>
        <location filename="../../ui/widgets.py" line="226"/>
        <source>正在验证…</source>
        <translation>Checking…</translation>
    </message>
</context>
<context>
    <name>RoleWindow</name>
    <message>
        <location filename="../../ui/shell.py" line="363"/>
        <source>暂停服务：系统正在恢复连接，请稍候或到服务窗口办理。</source>
        <extracomment>the role&apos;s page; what it offers differs by role (reset, logout, open_flow, work …), so it is duck-typed</extracomment>
        <translation>Service paused: reconnecting. Please wait, or go to a service counter.</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="365"/>
        <source>数据连接中断，以下内容可能不是最新。</source>
        <translation>Data link interrupted: what is shown may be out of date.</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="367"/>
        <source>数据库连接中断，正在自动重试。已办理的记录不会丢失；恢复前本机的操作不会执行。</source>
        <translation>Database unavailable, retrying. Nothing recorded is lost; acts on this terminal are not carried out until it returns.</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <location filename="../../ui/shell.py" line="35"/>
        <source>自助服务终端</source>
        <translation>Self-service kiosk</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="36"/>
        <source>窗口服务终端</source>
        <translation>Counter terminal</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="37"/>
        <source>大厅信息屏</source>
        <translation>Wall board</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="38"/>
        <source>开标主持台</source>
        <translation>Bid-opening console</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="39"/>
        <source>拍卖师控制台</source>
        <translation>Auctioneer console</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="40"/>
        <source>系统管理</source>
        <translation>Administration</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="41"/>
        <source>专家抽取室</source>
        <translation>Expert draw room</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="42"/>
        <source>行政监督室</source>
        <translation>Supervision room</translation>
    </message>
</context>
<context>
    <name>Sessions</name>
    <message>
        <location filename="../../ui/sessions_view.py" line="16"/>
        <source>开标</source>
        <translation>Bid opening</translation>
    </message>
    <message>
        <location filename="../../ui/sessions_view.py" line="17"/>
        <source>拍卖</source>
        <translation>Auction</translation>
    </message>
    <message>
        <location filename="../../ui/sessions_view.py" line="18"/>
        <source>挂牌竞价</source>
        <translation>Listing auction</translation>
    </message>
    <message>
        <location filename="../../ui/sessions_view.py" line="28"/>
        <source>还有 %1</source>
        <translation>in %1</translation>
    </message>
    <message>
        <location filename="../../ui/sessions_view.py" line="29"/>
        <source>已开始 %1 分钟</source>
        <translation>started %1 min ago</translation>
    </message>
    <message>
        <location filename="../../ui/sessions_view.py" line="48"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/sessions_view.py" line="48"/>
        <source>地点</source>
        <translation>Room</translation>
    </message>
    <message>
        <location filename="../../ui/sessions_view.py" line="48"/>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../ui/sessions_view.py" line="48"/>
        <source>项目</source>
        <translation>Project</translation>
    </message>
    <message>
        <location filename="../../ui/sessions_view.py" line="50"/>
        <source>倒计时</source>
        <translation>Countdown</translation>
    </message>
</context>
<context>
    <name>SessionsBoard</name>
    <message>
        <location filename="../../ui/roles/board.py" line="99"/>
        <source>今日暂无开标、拍卖安排</source>
        <translation>No openings or auctions today</translation>
    </message>
    <message>
        <location filename="../../ui/roles/board.py" line="109"/>
        <source>今日交易安排</source>
        <translation>Today&apos;s sessions</translation>
    </message>
    <message>
        <location filename="../../ui/roles/board.py" line="110"/>
        <source>请提前到场签到。开标、拍卖全过程录音录像。</source>
        <translation>Please check in early. Openings and auctions are recorded on video throughout.</translation>
    </message>
</context>
<context>
    <name>SessionsWork</name>
    <message>
        <location filename="../../ui/roles/consoles.py" line="132"/>
        <source>今日本场地没有安排。数据来自交易平台，请在管理界面查看同步状态。</source>
        <extracomment>the 专家抽取室; the draw&apos;s roles are then taken by card</extracomment>
        <translation>Nothing scheduled here today. Sessions come from the trading platform; check the sync state in Administration.</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="134"/>
        <source>时间以交易平台时钟为准。</source>
        <translation>Times follow the trading platform&apos;s clock.</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="312"/>
        <source>今日开标</source>
        <translation>Today&apos;s bid openings</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="315"/>
        <source>今日拍卖会</source>
        <translation>Today&apos;s auctions</translation>
    </message>
    <message>
        <location filename="../../ui/roles/consoles.py" line="318"/>
        <source>今日交易安排</source>
        <translation>Today&apos;s sessions</translation>
    </message>
</context>
<context>
    <name>StatusBarItems</name>
    <message>
        <location filename="../../ui/shell.py" line="162"/>
        <location filename="../../ui/shell.py" line="184"/>
        <source>日志 #%1</source>
        <translation>Journal #%1</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="195"/>
        <source>数据库：正常</source>
        <translation>Database: OK</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="198"/>
        <source>数据库：不可用</source>
        <translation>Database: unavailable</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="205"/>
        <source>设备：未配置</source>
        <translation>Devices: not configured</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="212"/>
        <source>设备：%1 台需注意</source>
        <translation>Devices: %1 need attention</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="213"/>
        <source>设备：%1 台正常</source>
        <translation>Devices: %1 working</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="238"/>
        <source>平台：未连接（单机）</source>
        <translation>Platform: not connected (stand-alone)</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="241"/>
        <source>平台：告警</source>
        <translation>Platform: ALARM</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="244"/>
        <source>平台：在线 待传 %1</source>
        <translation>Platform: online, %1 waiting</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="247"/>
        <source>平台：离线 待传 %1</source>
        <translation>Platform: offline, %1 waiting</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="256"/>
        <source>平台签名验证失败</source>
        <translation>Platform signature failing</translation>
    </message>
    <message>
        <location filename="../../ui/shell.py" line="259"/>
        <source>未验证平台签名</source>
        <translation>Platform answers not verified</translation>
    </message>
</context>
</TS>
