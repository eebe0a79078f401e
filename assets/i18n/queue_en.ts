<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>CounterQueueTab</name>
    <message>
        <location filename="../../ui/queue/counter.py" line="167"/>
        <location filename="../../ui/queue/counter.py" line="183"/>
        <source>上一操作尚未完成，请稍候。</source>
        <translation>The last action is not finished yet; please wait.</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="197"/>
        <source>当前没有等候的号。</source>
        <translation>Nobody is waiting.</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="250"/>
        <source>本终端未设置窗口号（配置 [queue] counter_no），请联系管理员。</source>
        <translation>This terminal has no counter number ([queue] counter_no); ask the administrator.</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="278"/>
        <source>%1 号窗口</source>
        <translation>Counter %1</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="281"/>
        <source>空闲：按 F1 叫下一号</source>
        <translation>Free: press F1 to call the next ticket</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="286"/>
        <source>第 %1 次呼叫 %2</source>
        <translation>call %1 at %2</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="288"/>
        <source>优先</source>
        <translation>priority</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="291"/>
        <source>%1：等候 %2 人</source>
        <translation>%1: %2 waiting</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="292"/>
        <source>本窗口未配置业务</source>
        <translation>No services set up for this counter</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="329"/>
        <source>F1 办结当前并叫下一号（再按确认）</source>
        <translation>F1 finish current and call next (press again)</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="331"/>
        <source>F1 叫下一号</source>
        <translation>F1 Call next</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="332"/>
        <source>F2 重呼</source>
        <translation>F2 Recall</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="333"/>
        <source>F3 过号</source>
        <translation>F3 Missed</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="334"/>
        <source>F4 挂起</source>
        <translation>F4 Hold</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="335"/>
        <source>F5 转移</source>
        <translation>F5 Transfer</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="336"/>
        <source>F6 办结</source>
        <translation>F6 Finish</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="337"/>
        <source>F7 回呼</source>
        <translation>F7 Call back</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="338"/>
        <source>F8 恢复过号</source>
        <translation>F8 Reactivate missed</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="339"/>
        <source>转移到</source>
        <translation>Transfer to</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="340"/>
        <source>办结结果</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="342"/>
        <source>已办理</source>
        <translation>Served</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="343"/>
        <source>取消（未办理）</source>
        <translation>Cancelled (not served)</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="344"/>
        <source>备注（可选，如：材料不全）</source>
        <translation>Note (optional, e.g. documents missing)</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="345"/>
        <source>等候人数</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="346"/>
        <source>本窗口挂起</source>
        <translation>Held here</translation>
    </message>
    <message>
        <location filename="../../ui/queue/counter.py" line="347"/>
        <source>过号（可恢复）</source>
        <translation>Missed (can requeue)</translation>
    </message>
</context>
<context>
    <name>CountersTab</name>
    <message>
        <location filename="../../ui/queue/admin.py" line="202"/>
        <source>是</source>
        <translation>yes</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="202"/>
        <source>否</source>
        <translation>no</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="214"/>
        <source>窗口：办理的业务代码（逗号分隔，叫号时按等候最久优先）；优先比例 2 表示每叫 2 个优先号后叫 1 个普通号。</source>
        <translation>Counters: service codes (comma-separated; &quot;call next&quot; takes the longest-waiting ticket); priority ratio 2 means 2 priority tickets, then 1 normal.</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="215"/>
        <source>窗口号</source>
        <translation>Counter</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="215"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="215"/>
        <source>业务代码</source>
        <translation>Services</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="215"/>
        <source>优先比例</source>
        <translation>Priority ratio</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="215"/>
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="216"/>
        <source>添加窗口</source>
        <translation>Add counter</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="217"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>LookupFlow</name>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="471"/>
        <source>没有找到这个号（只能查询今天的号）。请核对号码，或到服务窗口咨询。</source>
        <translation>No such ticket (only today&apos;s tickets). Check the number or ask at a counter.</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="477"/>
        <source>前面还有 %1 人，预计等候约 %2 分钟</source>
        <translation>%1 ahead of you, about %2 min</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="479"/>
        <source>请到 %1 号窗口办理</source>
        <translation>Please go to counter %1</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="494"/>
        <source>查询排队进度</source>
        <translation>Check my place in the queue</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="495"/>
        <source>请把号票上的二维码对准扫码口，或输入号码（如 A012）。</source>
        <translation>Hold the QR code on your ticket to the scanner, or type the number (e.g. A012).</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="496"/>
        <source>号码，如 A012</source>
        <translation>Number, e.g. A012</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="497"/>
        <source>查询</source>
        <translation>Check</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="498"/>
        <source>返回首页</source>
        <translation>Back to start</translation>
    </message>
</context>
<context>
    <name>Queue</name>
    <message>
        <location filename="../../ui/queue/common.py" line="15"/>
        <source>已办结</source>
        <translation>served</translation>
    </message>
    <message>
        <location filename="../../ui/queue/common.py" line="16"/>
        <source>已过期（非当日）</source>
        <translation>expired (another day)</translation>
    </message>
    <message>
        <location filename="../../ui/queue/common.py" line="17"/>
        <source>已取消</source>
        <translation>cancelled</translation>
    </message>
    <message>
        <location filename="../../ui/queue/common.py" line="18"/>
        <source>已结束</source>
        <translation>closed</translation>
    </message>
    <message>
        <location filename="../../ui/queue/common.py" line="20"/>
        <source>等候中</source>
        <translation>waiting</translation>
    </message>
    <message>
        <location filename="../../ui/queue/common.py" line="21"/>
        <source>正在叫号</source>
        <translation>being called</translation>
    </message>
    <message>
        <location filename="../../ui/queue/common.py" line="22"/>
        <source>已挂起，请等候窗口回呼</source>
        <translation>on hold: the counter will call you back</translation>
    </message>
    <message>
        <location filename="../../ui/queue/common.py" line="23"/>
        <source>已过号，请到窗口咨询</source>
        <translation>missed: please ask at a counter</translation>
    </message>
</context>
<context>
    <name>QueueBoard</name>
    <message>
        <location filename="../../ui/queue/board.py" line="150"/>
        <source>窗口</source>
        <extracomment>counter → monotonic end of its flash monotonic time of the last refresh (latency measurement) (counters, services) of the labels up</extracomment>
        <translation>Counter</translation>
    </message>
    <message>
        <location filename="../../ui/queue/board.py" line="150"/>
        <source>当前号</source>
        <translation>Now</translation>
    </message>
    <message>
        <location filename="../../ui/queue/board.py" line="150"/>
        <source>最近叫号</source>
        <translation>Recent calls</translation>
    </message>
    <message>
        <location filename="../../ui/queue/board.py" line="152"/>
        <source>%1号</source>
        <translation>No. %1</translation>
    </message>
    <message>
        <location filename="../../ui/queue/board.py" line="154"/>
        <source>等候人数</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <location filename="../../ui/queue/board.py" line="156"/>
        <source>%1 人</source>
        <translation>%1</translation>
    </message>
    <message>
        <location filename="../../ui/queue/board.py" line="226"/>
        <source>请留意叫号</source>
        <translation>Please watch for your number</translation>
    </message>
    <message>
        <location filename="../../ui/queue/board.py" line="232"/>
        <source>排队叫号</source>
        <translation>Queue calls</translation>
    </message>
    <message>
        <location filename="../../ui/queue/board.py" line="234"/>
        <source>请按号等候，过号请到窗口咨询。请保管好号票。</source>
        <translation>Please wait for your number; if you missed it, ask at a counter. Keep your ticket.</translation>
    </message>
</context>
<context>
    <name>QueueTabs</name>
    <message>
        <location filename="../../ui/queue/common.py" line="38"/>
        <source>叫号</source>
        <translation>Calls</translation>
    </message>
    <message>
        <location filename="../../ui/queue/common.py" line="39"/>
        <source>排队统计</source>
        <translation>Queue statistics</translation>
    </message>
    <message>
        <location filename="../../ui/queue/common.py" line="40"/>
        <source>排队业务</source>
        <translation>Queue services</translation>
    </message>
    <message>
        <location filename="../../ui/queue/common.py" line="41"/>
        <source>服务窗口</source>
        <translation>Counters</translation>
    </message>
</context>
<context>
    <name>ServicesTab</name>
    <message>
        <location filename="../../ui/queue/admin.py" line="167"/>
        <source>是</source>
        <translation>yes</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="167"/>
        <source>否</source>
        <translation>no</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="181"/>
        <source>业务：代码、前缀字母（勿用 I、O）、号段、每日限额、取号时间、平均办理秒数。改后点“保存”。</source>
        <translation>Services: code, prefix letter (not I or O), number range, daily quota, issuing hours, average seconds per visit. Press &quot;Save&quot; after changes.</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="183"/>
        <source>代码</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="183"/>
        <source>前缀</source>
        <translation>Prefix</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="183"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="183"/>
        <source>英文名</source>
        <translation>English name</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="183"/>
        <source>起始号</source>
        <translation>First no.</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="183"/>
        <source>结束号</source>
        <translation>Last no.</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="184"/>
        <source>每日限额</source>
        <translation>Daily quota</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="184"/>
        <source>开始取号</source>
        <translation>Issue from</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="184"/>
        <source>停止取号</source>
        <translation>Issue until</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="184"/>
        <source>平均秒数</source>
        <translation>Avg. seconds</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="184"/>
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="186"/>
        <source>添加业务</source>
        <translation>Add service</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="187"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
</context>
<context>
    <name>StatsTab</name>
    <message>
        <location filename="../../ui/queue/admin.py" line="338"/>
        <source>日报已导出：%1</source>
        <translation>Daily report written: %1</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="360"/>
        <source>%1：取号 %2 · 办结 %3 · 过号 %4 · 等候中位 %5 分钟 · 90%% %6 分钟 · 平均办理 %7 分钟</source>
        <translation>%1: %2 tickets · %3 served · %4 no-shows · median wait %5 min · 90%% %6 min · avg. service %7 min</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="365"/>
        <source>每小时取号与办结</source>
        <translation>Tickets and served per hour</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="365"/>
        <location filename="../../ui/queue/admin.py" line="368"/>
        <source>今日暂无数据</source>
        <translation>No data yet today</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="366"/>
        <location filename="../../ui/queue/admin.py" line="384"/>
        <source>取号</source>
        <translation>Tickets</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="366"/>
        <location filename="../../ui/queue/admin.py" line="384"/>
        <source>办结</source>
        <translation>Served</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="368"/>
        <source>各业务等候时间（分钟）</source>
        <translation>Waits per service (min)</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="369"/>
        <source>中位</source>
        <translation>median</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="370"/>
        <source>90%</source>
        <translation>90%</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="372"/>
        <source>业务 </source>
        <translation>Service </translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="373"/>
        <source>窗口 </source>
        <translation>Counter </translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="374"/>
        <source>人员 </source>
        <translation>Clerk </translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="382"/>
        <source>导出日报（PDF/CSV）</source>
        <translation>Export daily report (PDF/CSV)</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="384"/>
        <source>分组</source>
        <translation>Group</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="384"/>
        <source>过号</source>
        <translation>No-shows</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="384"/>
        <source>等候中位(分)</source>
        <translation>Median wait (min)</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="384"/>
        <source>等候90%(分)</source>
        <translation>90% wait (min)</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="384"/>
        <source>平均办理(分)</source>
        <translation>Avg. service (min)</translation>
    </message>
</context>
<context>
    <name>TicketFlow</name>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="184"/>
        <source>等候 %1 人 · 约 %2 分钟</source>
        <extracomment>print(slip) → bytes written; raises DeviceError. Runs on the job runner&apos;s slip-printer lane. TicketInfo, for tests and the tour service code → its position in the grid the message is the outcome of the visitor&apos;s last tap (a reload keeps it)</extracomment>
        <translation>%1 waiting · about %2 min</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="186"/>
        <source>今日号已取完</source>
        <translation>No numbers left today</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="188"/>
        <source>取号时间 %1–%2</source>
        <translation>Tickets %1–%2</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="197"/>
        <source>尚未设置办理业务，请到服务窗口咨询。</source>
        <translation>No services are set up; please ask at a counter.</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="201"/>
        <source>现在不在取号时间内，请在取号时间内再来。</source>
        <translation>Tickets are not issued now; please come back during issuing hours.</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="202"/>
        <source>今日排队号已取完，若窗口空闲可直接到窗口办理。</source>
        <translation>Today&apos;s numbers are used up; if a counter is free, go straight to it.</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="218"/>
        <source>已读取身份证：%1</source>
        <translation>ID card read: %1</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="220"/>
        <source>您可优先办理</source>
        <translation>you have priority</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="230"/>
        <source>正在出号，请稍候…</source>
        <translation>Issuing your ticket, please wait…</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="253"/>
        <source>您的排队号（补打）</source>
        <translation>Your ticket (reprint)</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="253"/>
        <source>您的排队号</source>
        <translation>Your ticket</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="255"/>
        <source>优先</source>
        <translation>priority</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="257"/>
        <source>前面还有 %1 人，预计等候约 %2 分钟</source>
        <translation>%1 ahead of you, about %2 min</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="259"/>
        <source>取号时间 %1</source>
        <translation>Issued %1</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="261"/>
        <source>办理窗口 %1</source>
        <translation>Counters %1</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="262"/>
        <source>请留意大厅屏幕和语音叫号。</source>
        <translation>Watch the hall screen and listen for your number.</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="271"/>
        <source>正在打印号票，请稍候…</source>
        <translation>Printing your ticket…</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="290"/>
        <source>号票未能打印：%1。请记下您的号码，或点“重新打印”；仍不行请到服务窗口。</source>
        <translation>The ticket could not be printed: %1. Note your number or press &quot;Print again&quot;; if that fails, ask at a counter.</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="296"/>
        <source>请取走号票。</source>
        <translation>Please take your ticket.</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="332"/>
        <source>请选择办理的业务</source>
        <translation>Choose a service</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="333"/>
        <source>点一下业务即出号票。可先在读卡区放身份证：同一业务一人一号，70岁以上优先。</source>
        <translation>Touch a service to get a ticket. You may place your ID card on the reader first: one ticket per person and service, priority from age 70.</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="334"/>
        <source>返回首页</source>
        <translation>Back to start</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="335"/>
        <source>重新打印</source>
        <translation>Print again</translation>
    </message>
    <message>
        <location filename="../../ui/queue/kiosk_flows.py" line="336"/>
        <source>完成</source>
        <translation>Done</translation>
    </message>
</context>
<context>
    <name>_EditorTab</name>
    <message>
        <location filename="../../ui/queue/admin.py" line="134"/>
        <source>第 %1 行未保存：%2</source>
        <translation>Row %1 not saved: %2</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="112"/>
        <source>第 %1 行未保存：数字栏请填整数</source>
        <translation>Row %1 not saved: number columns need whole numbers</translation>
    </message>
    <message>
        <location filename="../../ui/queue/admin.py" line="136"/>
        <source>已保存 %1 行。</source>
        <translation>%1 rows saved.</translation>
    </message>
</context>
</TS>
