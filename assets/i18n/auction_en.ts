<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AuctionBoard</name>
    <message>
        <location filename="../../ui/auction/board.py" line="34"/>
        <source>第一次报价</source>
        <translation>First call</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="35"/>
        <source>第二次报价</source>
        <translation>Second call</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="36"/>
        <source>第三次报价</source>
        <translation>Third call</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="42"/>
        <source>待拍</source>
        <translation>Not yet offered</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="43"/>
        <source>竞价中</source>
        <translation>Bidding</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="44"/>
        <source>成交</source>
        <translation>Sold</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="45"/>
        <source>流拍（不成交）</source>
        <translation>Unsold (passed)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="46"/>
        <source>终止</source>
        <translation>Terminated</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="52"/>
        <source>限价+摇号</source>
        <translation>Cap + lottery</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="53"/>
        <source>竞配建</source>
        <translation>Bid the 配建 area</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="54"/>
        <source>竞自持</source>
        <translation>Bid the share held for rent</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="55"/>
        <source>平均价（一次报价）</source>
        <translation>Average price (one-time bid)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="65"/>
        <source>竞配建面积</source>
        <translation>配建 area</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="67"/>
        <source>%1：等待报价（起始 %2）</source>
        <translation>%1: waiting for bids (from %2)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="72"/>
        <source>一次报价进行中：已交 %1/%2</source>
        <translation>one-time bids: %1 of %2 handed in</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="76"/>
        <source>一次报价揭晓：无有效报价</source>
        <translation>one-time bids revealed: no valid bid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="77"/>
        <source>一次报价揭晓：平均值 %1 · 最接近 %2 号 %3</source>
        <translation>one-time bids revealed: mean %1 · nearest: paddle %2 %3</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="79"/>
        <source>停止举牌，待一次报价（%1 个号牌在限价）</source>
        <translation>open bidding stopped, one-time bids next (%1 paddles at the cap)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="80"/>
        <source>落槌时摇号</source>
        <translation>lottery at the hammer</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="232"/>
        <source>等待应价</source>
        <extracomment>the journal seq the screen has drawn up to, emitted after each redraw (latency is measured on it) the newest followed entry asked to be drawn seconds the console holds its next call after a pause (the auctioneer&apos;s big screen; None elsewhere)</extracomment>
        <translation>Waiting for bids</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="234"/>
        <source>%1 · 即将落槌</source>
        <translation>%1 · hammer next</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="236"/>
        <source>%1 · 计时暂停</source>
        <translation>%1 · timer paused</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="239"/>
        <source>%1 · %2 秒后%3</source>
        <translation>%1 · %3 in %2 s</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="262"/>
        <source>拍卖大厅</source>
        <translation>Auction hall</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="263"/>
        <source>拍卖会即将开始，请竞买人凭号牌入座</source>
        <translation>The auction starts soon: bidders, please take your seats with your paddles</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="267"/>
        <source>时间以交易平台时钟为准</source>
        <translation>Times follow the trading platform&apos;s clock</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="270"/>
        <source>拍卖大厅 · %1</source>
        <translation>Auction hall · %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="272"/>
        <source>起拍价 %1</source>
        <translation>Start price %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="273"/>
        <source>加价幅度 %1</source>
        <translation>Increment %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="275"/>
        <source>最高限价 %1</source>
        <translation>Price cap %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="277"/>
        <source>限价后%1</source>
        <translation>after the cap: %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="278"/>
        <source>本标的设有保留价</source>
        <translation>This lot has a reserve</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="278"/>
        <source>本标的无保留价</source>
        <translation>This lot has no reserve</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="281"/>
        <source>成交 · 成交价</source>
        <translation>Sold · hammer price</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="283"/>
        <location filename="../../ui/auction/board.py" line="312"/>
        <source>买受人号牌 %1</source>
        <translation>Buyer: paddle %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="289"/>
        <source>当前最高应价</source>
        <translation>Leading bid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="69"/>
        <location filename="../../ui/auction/board.py" line="291"/>
        <source>当前最高 %1 号</source>
        <translation>Leading: paddle %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="293"/>
        <source>起拍价 · 等待应价</source>
        <translation>Start price · waiting for bids</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="301"/>
        <source>已达最高限价：%1 号 · 落槌时摇号</source>
        <translation>Cap reached: paddles %1 · lottery at the hammer</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="63"/>
        <location filename="../../ui/auction/board.py" line="303"/>
        <source>已达最高限价</source>
        <translation>Price cap reached</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="306"/>
        <source>一次报价揭晓 · 最接近平均值的报价</source>
        <translation>One-time bids revealed · the bid nearest the mean</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="311"/>
        <source>配建面积</source>
        <translation>配建 area</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="65"/>
        <location filename="../../ui/auction/board.py" line="311"/>
        <source>自持比例</source>
        <translation>share held for rent</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="323"/>
        <source>一次报价（密封）</source>
        <translation>one-time bid (sealed)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="324"/>
        <source>出价已收到：%1 号 %2</source>
        <translation>Bid received: paddle %1 %2</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="327"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="327"/>
        <source>号牌</source>
        <translation>Paddle</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="327"/>
        <source>应价</source>
        <translation>Bid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="337"/>
        <source>已密封</source>
        <translation>Sealed</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="344"/>
        <source>已更正</source>
        <translation>Corrected</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="344"/>
        <source>挂牌报价</source>
        <translation>Listing bid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="347"/>
        <source>应价一经确认不得撤回 · 三次报价无人应价即落槌 · 时间以交易平台时钟为准</source>
        <translation>Bids cannot be withdrawn · hammer after three calls without a bid · platform clock</translation>
    </message>
</context>
<context>
    <name>AuctionConsole</name>
    <message>
        <location filename="../../ui/auction/console.py" line="76"/>
        <source>现场</source>
        <extracomment>a pause of the console shorter than this (an act of a few ms) leaves the call timer alone the timer&apos;s call is not made when reading the lot took longer than this (the database stalled)</extracomment>
        <translation>Floor</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="77"/>
        <source>竞价器</source>
        <translation>Keypad</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="78"/>
        <source>挂牌</source>
        <translation>Listing</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="314"/>
        <source>拍卖</source>
        <extracomment>eligible paddles of the lot shown (loaded with it) asked for before the sessions were loaded to choose once its session&apos;s lots are loaded the session whose lots the lot box holds since when the console cannot write (monotonic) an act met a database that did not answer during the pause no timer call before this (monotonic): a full interval after a pause the big screen follows the console</extracomment>
        <translation>Auction</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="660"/>
        <source>起始配建面积（m²）</source>
        <translation>配建 area from (m²)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="661"/>
        <source>面积增幅（m²）</source>
        <translation>Area step (m²)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="663"/>
        <source>起始自持比例（%）</source>
        <translation>Share from (%)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="664"/>
        <source>比例增幅（%）</source>
        <translation>Share step (%)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="665"/>
        <source>一次报价有效区间上限（%1）</source>
        <translation>Upper end of the valid band (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="665"/>
        <source>万元</source>
        <translation>10k yuan</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="665"/>
        <source>元</source>
        <translation>yuan</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="856"/>
        <source>等待应价</source>
        <translation>Waiting for bids</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="858"/>
        <source>%1 · 无人应价，请落槌</source>
        <translation>%1 · no bid: drop the hammer</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="860"/>
        <source>%1 · 计时暂停：数据库未响应，恢复后重新计时</source>
        <translation>%1 · timer paused: the database is not answering; it restarts when it is back</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="862"/>
        <source>%1 · %2 秒后%3</source>
        <translation>%1 · %3 in %2 s</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="868"/>
        <source>今日暂无拍卖会</source>
        <translation>No auction today</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="868"/>
        <source>正在读取拍卖会…</source>
        <translation>Loading the auction sessions…</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="888"/>
        <source>起拍价 %1</source>
        <translation>Start price %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="889"/>
        <source>加价幅度 %1</source>
        <translation>Increment %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="891"/>
        <source>保证金 %1</source>
        <translation>Deposit %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="894"/>
        <source>最高限价 %1 · 限价后：%2</source>
        <translation>Price cap %1 · after the cap: %2</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="897"/>
        <source>起始 %1，增幅 %2</source>
        <translation>from %1, step %2</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="899"/>
        <source>一次报价有效区间 %1 至 %2</source>
        <translation>one-time bids valid from %1 to %2</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="902"/>
        <source>挂牌最高报价 %1（%2 号）</source>
        <translation>Listing top bid %1 (paddle %2)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="905"/>
        <source>设有保留价：已密封录入</source>
        <translation>Reserve: sealed and entered</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="905"/>
        <source>设有保留价：待录入</source>
        <translation>Reserve: to be entered</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="907"/>
        <source>本标的无保留价（须在竞价前宣布）</source>
        <translation>No reserve (announce before bidding)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="908"/>
        <location filename="../../ui/auction/console.py" line="1017"/>
        <source>允许跳价</source>
        <translation>Jump bids</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="908"/>
        <source>不允许跳价</source>
        <translation>No jump bids</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="909"/>
        <source>竞买人 %1 个号牌</source>
        <translation>%1 bidder paddles</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="911"/>
        <source>%1：须至少 %2 名合格竞买人</source>
        <translation>%1: at least %2 eligible bidders</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="916"/>
        <source>合格竞买人 %1 名，不足 %2 名：不得开拍或竞价。请等待签到，或填写理由终止本标的。</source>
        <translation>%1 eligible bidders, fewer than %2: the lot cannot be opened or bid on. Wait for check-ins, or terminate the lot with a reason.</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="920"/>
        <source>成交价</source>
        <translation>Hammer price</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="922"/>
        <source>买受人号牌 %1</source>
        <translation>Buyer: paddle %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="924"/>
        <source>当前最高应价</source>
        <translation>Leading bid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="926"/>
        <source>当前最高：%1 号</source>
        <translation>Leading: paddle %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="928"/>
        <source>起拍价</source>
        <translation>Start price</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="935"/>
        <source>已达限价：%1 号（落槌时摇号）</source>
        <translation>Cap reached: paddles %1 (lottery at the hammer)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="937"/>
        <source>在最高限价：%1 号</source>
        <translation>At the cap: paddles %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="942"/>
        <source>限价号牌下一报价 %1；其他号牌留空 = 按最高限价应价</source>
        <translation>Next for paddles at the cap: %1; other paddles, empty = accept the cap price</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="944"/>
        <source>限价号牌：金额栏填%1（留空 = 下一报价）</source>
        <translation>Paddles at the cap: type the %1 in Amount (empty = next)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="945"/>
        <source>配建面积 m²</source>
        <translation>配建 area m²</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="945"/>
        <source>自持比例 %</source>
        <translation>share held %</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="947"/>
        <source>录入一次书面报价：号牌 + 金额（密封，全部提交后揭晓）</source>
        <translation>Enter the one-time written bids: paddle + amount (sealed until all are in)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="949"/>
        <source>一次报价须填写金额</source>
        <translation>A one-time bid needs an amount</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="951"/>
        <source>下一应价 %1</source>
        <translation>Next bid %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="986"/>
        <source>有效</source>
        <translation>Valid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="986"/>
        <source>（已更正）</source>
        <translation> (corrected)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="988"/>
        <source>拒绝：</source>
        <translation>Refused: </translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="990"/>
        <source>（密封）</source>
        <translation>(sealed)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1004"/>
        <source>拍卖会</source>
        <translation>Auction</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1005"/>
        <source>标的</source>
        <translation>Lot</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1006"/>
        <location filename="../../ui/auction/console.py" line="1036"/>
        <source>号牌</source>
        <translation>Paddle</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1007"/>
        <location filename="../../ui/auction/console.py" line="1036"/>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="953"/>
        <location filename="../../ui/auction/console.py" line="957"/>
        <location filename="../../ui/auction/console.py" line="1008"/>
        <source>留空 = 下一应价</source>
        <translation>Empty = next bid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1009"/>
        <source>输入号牌</source>
        <translation>Paddle number</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1010"/>
        <source>确认应价 (Enter)</source>
        <translation>Confirm bid (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1011"/>
        <source>密封底价（拍卖师与监督人共同录入）</source>
        <translation>Sealed reserve (auctioneer and supervisor together)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1012"/>
        <source>底价金额</source>
        <translation>Reserve amount</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1013"/>
        <source>拍卖师 PIN</source>
        <translation>Auctioneer PIN</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1014"/>
        <source>监督人用户名</source>
        <translation>Supervisor username</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1015"/>
        <source>监督人 PIN</source>
        <translation>Supervisor PIN</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1016"/>
        <source>录入底价</source>
        <translation>Enter reserve</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1018"/>
        <source>须为幅度整数倍</source>
        <translation>On the step grid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1019"/>
        <source>宣布开拍</source>
        <translation>Open the lot</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1020"/>
        <source>报价（下一次）</source>
        <translation>Next call</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1021"/>
        <source>自动计时报价</source>
        <translation>Timed calls</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1022"/>
        <source>落槌</source>
        <translation>Hammer</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1023"/>
        <source>新的加价幅度</source>
        <translation>New increment</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1024"/>
        <source>调整幅度</source>
        <translation>Set step</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1025"/>
        <source>更正或终止的理由（必填）</source>
        <translation>Reason for a correction or termination (required)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1026"/>
        <source>更正最后应价</source>
        <translation>Correct last bid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1027"/>
        <source>终止本标的</source>
        <translation>Terminate lot</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1028"/>
        <source>限价后竞价</source>
        <translation>After the cap</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1029"/>
        <source>例：指导价 +50%</source>
        <translation>e.g. guide price +50 %</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1030"/>
        <source>停止举牌，开始一次报价</source>
        <translation>Stop open bids, start one-time bids</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1031"/>
        <source>打印成交确认书</source>
        <translation>Print confirmation</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1032"/>
        <source>打印拍卖笔录</source>
        <translation>Print record</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1033"/>
        <source>结束录入并揭晓</source>
        <translation>Close entry and reveal</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1036"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1036"/>
        <source>来源 · 结果</source>
        <translation>Source · result</translation>
    </message>
</context>
</TS>
