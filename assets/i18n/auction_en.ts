<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AuctionBoard</name>
    <message>
        <location filename="../../ui/auction/board.py" line="47"/>
        <source>第一次报价</source>
        <extracomment>the live draw on the audience screen: the candidates roll this long, then the drawn paddle stays</extracomment>
        <translation>First call</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="48"/>
        <source>第二次报价</source>
        <translation>Second call</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="49"/>
        <source>第三次报价</source>
        <translation>Third call</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="55"/>
        <source>待拍</source>
        <translation>Not yet offered</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="56"/>
        <source>竞价中</source>
        <translation>Bidding</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="57"/>
        <source>成交</source>
        <translation>Sold</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="58"/>
        <source>流拍（不成交）</source>
        <translation>Unsold (passed)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="59"/>
        <source>终止</source>
        <translation>Terminated</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="65"/>
        <source>限价+摇号</source>
        <translation>Cap + lottery</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="66"/>
        <source>竞配建</source>
        <translation>Bid the 配建 area</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="67"/>
        <source>竞自持</source>
        <translation>Bid the share held for rent</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="68"/>
        <source>平均价（一次报价）</source>
        <translation>Average price (one-time bid)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="78"/>
        <source>竞配建面积</source>
        <translation>配建 area</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="80"/>
        <source>%1：等待报价（起始 %2）</source>
        <translation>%1: waiting for bids (from %2)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="85"/>
        <source>一次报价进行中：已交 %1/%2</source>
        <translation>one-time bids: %1 of %2 handed in</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="89"/>
        <source>一次报价揭晓：无有效报价</source>
        <translation>one-time bids revealed: no valid bid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="90"/>
        <source>一次报价揭晓：平均值 %1 · 最接近 %2 号 %3</source>
        <translation>one-time bids revealed: mean %1 · nearest: paddle %2 %3</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="92"/>
        <source>停止举牌，待一次报价（%1 个号牌在限价）</source>
        <translation>open bidding stopped, one-time bids next (%1 paddles at the cap)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="393"/>
        <source>限价摇号 · 候选号牌已确认</source>
        <translation>Lottery at the cap · candidate paddles confirmed</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="395"/>
        <source>尚无</source>
        <translation>none yet</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="396"/>
        <source>拍卖师和监督人各录入一组随机数字（已录入：%1）</source>
        <translation>The auctioneer and the supervisor each enter a set of random digits (entered: %1)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="397"/>
        <location filename="../../ui/auction/board.py" line="416"/>
        <location filename="../../ui/auction/board.py" line="431"/>
        <source>候选人 %1 号</source>
        <translation>Candidates: paddles %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="399"/>
        <source>限价摇号 · 种子已承诺（抽签前公布）</source>
        <translation>Lottery at the cap · seed committed (published before the draw)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="402"/>
        <location filename="../../ui/auction/board.py" line="430"/>
        <source>种子 SHA-256：</source>
        <translation>Seed SHA-256: </translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="403"/>
        <source>即将抽签：候选人 %1 号</source>
        <translation>Drawing next: candidates %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="411"/>
        <source>限价摇号 · 中签号牌</source>
        <translation>Lottery at the cap · winning paddle</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="412"/>
        <location filename="../../ui/auction/board.py" line="428"/>
        <source>%1 号</source>
        <translation>No. %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="414"/>
        <source>公开种子：</source>
        <translation>Seed revealed: </translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="415"/>
        <source>其 SHA-256 即抽签前公布的承诺，任何人可据日志复算</source>
        <translation>its SHA-256 is the commitment published before the draw; anyone can recompute it from the journal</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="427"/>
        <source>限价摇号 · 正在抽签</source>
        <translation>Lottery at the cap · drawing</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="258"/>
        <source>等待应价</source>
        <extracomment>the journal seq the screen has drawn up to, emitted after each redraw (latency is measured on it) the newest followed entry asked to be drawn seconds the console holds its next call after a pause (the auctioneer&apos;s big screen; None elsewhere) lots whose draw has rolled on this screen (lot, until, step) while the draw rolls</extracomment>
        <translation>Waiting for bids</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="261"/>
        <source>摇号完毕 · 即将落槌</source>
        <translation>Lottery done · hammer next</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="261"/>
        <source>摇号中</source>
        <translation>Drawing lots</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="263"/>
        <source>%1 · 即将落槌</source>
        <translation>%1 · hammer next</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="265"/>
        <source>%1 · 计时暂停</source>
        <translation>%1 · timer paused</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="268"/>
        <source>%1 · %2 秒后%3</source>
        <translation>%1 · %3 in %2 s</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="291"/>
        <source>拍卖大厅</source>
        <translation>Auction hall</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="292"/>
        <source>拍卖会即将开始，请竞买人凭号牌入座</source>
        <translation>The auction starts soon: bidders, please take your seats with your paddles</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="296"/>
        <source>时间以交易平台时钟为准</source>
        <translation>Times follow the trading platform&apos;s clock</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="301"/>
        <source>拍卖大厅 · %1</source>
        <translation>Auction hall · %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="305"/>
        <source>起拍价 %1</source>
        <translation>Start price %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="306"/>
        <source>加价幅度 %1</source>
        <translation>Increment %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="308"/>
        <source>最高限价 %1</source>
        <translation>Price cap %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="311"/>
        <source>本标的设有保留价</source>
        <translation>This lot has a reserve</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="311"/>
        <source>本标的无保留价</source>
        <translation>This lot has no reserve</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="314"/>
        <source>成交 · 成交价</source>
        <translation>Sold · hammer price</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="316"/>
        <location filename="../../ui/auction/board.py" line="349"/>
        <source>买受人号牌 %1</source>
        <translation>Buyer: paddle %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="322"/>
        <source>当前最高应价</source>
        <translation>Leading bid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="82"/>
        <location filename="../../ui/auction/board.py" line="324"/>
        <source>当前最高 %1 号</source>
        <translation>Leading: paddle %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="326"/>
        <source>起拍价 · 等待应价</source>
        <translation>Start price · waiting for bids</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="76"/>
        <location filename="../../ui/auction/board.py" line="340"/>
        <source>已达最高限价</source>
        <translation>Price cap reached</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="343"/>
        <source>一次报价揭晓 · 最接近平均值的报价</source>
        <translation>One-time bids revealed · the bid nearest the mean</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="348"/>
        <source>配建面积</source>
        <translation>配建 area</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="78"/>
        <location filename="../../ui/auction/board.py" line="348"/>
        <source>自持比例</source>
        <translation>share held for rent</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="93"/>
        <source>三次报价后摇号</source>
        <translation>lottery after the third call</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="310"/>
        <source>限价后：%1（出让公告）</source>
        <translation>After the cap: %1 (as the sale notice prescribes)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="338"/>
        <source>已达最高限价：%1 号 · 三次报价后摇号</source>
        <translation>Price cap reached: paddles %1 · lottery after the third call</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="360"/>
        <source>一次报价（密封）</source>
        <translation>one-time bid (sealed)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="361"/>
        <source>出价已收到：%1 号 %2</source>
        <translation>Bid received: paddle %1 %2</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="364"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="364"/>
        <source>号牌</source>
        <translation>Paddle</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="364"/>
        <source>应价</source>
        <translation>Bid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="374"/>
        <source>已密封</source>
        <translation>Sealed</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="381"/>
        <source>已更正</source>
        <translation>Corrected</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="381"/>
        <source>挂牌报价</source>
        <translation>Listing bid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="384"/>
        <source>应价一经确认不得撤回 · 三次报价无人应价即落槌 · 时间以交易平台时钟为准</source>
        <translation>Bids cannot be withdrawn · hammer after three calls without a bid · platform clock</translation>
    </message>
</context>
<context>
    <name>AuctionConsole</name>
    <message>
        <location filename="../../ui/auction/console.py" line="92"/>
        <source>现场</source>
        <extracomment>a pause of the console shorter than this (an act of a few ms) leaves the call timer alone the timer&apos;s call is not made when reading the lot took longer than this (the database stalled)</extracomment>
        <translation>Floor</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="93"/>
        <source>竞价器</source>
        <translation>Keypad</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="94"/>
        <source>挂牌</source>
        <translation>Listing</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="377"/>
        <source>拍卖</source>
        <extracomment>the roles the auction console signs in: the 拍卖师 acts; the supervisor enters only lottery digits; the witness watches the hall account logged in here (session, role) → who holds that role through this console (kiosk.staffing; taken by ID card) eligible paddles of the lot shown (loaded with it) asked for before the sessions were loaded to choose once its session&apos;s lots are loaded the session whose lots the lot box holds since when the console cannot write (monotonic) an act met a database that did not answer during the pause no timer call before this (monotonic): a full interval after a pause the big screen follows the console who holds the session&apos;s roles through this console (masked names: a screen in the room)</extracomment>
        <translation>Auction</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="756"/>
        <source>起始配建面积（m²）</source>
        <translation>配建 area from (m²)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="757"/>
        <source>面积增幅（m²）</source>
        <translation>Area step (m²)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="759"/>
        <source>起始自持比例（%）</source>
        <translation>Share from (%)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="760"/>
        <source>比例增幅（%）</source>
        <translation>Share step (%)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="761"/>
        <source>一次报价有效区间上限（%1）</source>
        <translation>Upper end of the valid band (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="761"/>
        <source>万元</source>
        <translation>10k yuan</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="761"/>
        <source>元</source>
        <translation>yuan</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="929"/>
        <source>限价摇号：%1 号在最高限价；三次报价后确认候选人</source>
        <translation>Lottery at the cap: paddles %1 at the cap; confirm the candidates after the third call</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="931"/>
        <source>拍卖师</source>
        <translation>Auctioneer</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="931"/>
        <source>监督人</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="932"/>
        <source>候选人 %1 号 · 请拍卖师和监督人各录入 4–12 位数字（已录入：%2）</source>
        <translation>Candidates %1 · the auctioneer and the supervisor each enter 4–12 digits (entered: %2)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="933"/>
        <source>无</source>
        <translation>none</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="935"/>
        <source>种子已承诺 SHA-256 %1… · 请抽签</source>
        <translation>Seed committed, SHA-256 %1… · draw now</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="937"/>
        <source>中签 %1 号 · 种子 %2… 已公开 · 请落槌</source>
        <translation>Paddle %1 drawn · seed %2… revealed · hammer now</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="956"/>
        <source>本场角色：拍卖师尚未刷身份证登记（请在读卡器上放置身份证）</source>
        <translation>Roles: the auctioneer has not signed in by ID card yet (place the card on the reader)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="958"/>
        <source>本场角色：</source>
        <translation>Roles: </translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1045"/>
        <source>等待应价</source>
        <translation>Waiting for bids</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1048"/>
        <source>%1 · 无人应价，请落槌</source>
        <translation>%1 · no bid: drop the hammer</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1048"/>
        <source>%1 · 请摇号</source>
        <translation>%1 · draw lots</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1050"/>
        <source>%1 · 计时暂停：数据库未响应，恢复后重新计时</source>
        <translation>%1 · timer paused: the database is not answering; it restarts when it is back</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1052"/>
        <source>%1 · %2 秒后%3</source>
        <translation>%1 · %3 in %2 s</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1060"/>
        <source>今日暂无拍卖会</source>
        <translation>No auction today</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1060"/>
        <source>正在读取拍卖会…</source>
        <translation>Loading the auction sessions…</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1081"/>
        <source>起拍价 %1</source>
        <translation>Start price %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1082"/>
        <source>加价幅度 %1</source>
        <translation>Increment %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1084"/>
        <source>保证金 %1</source>
        <translation>Deposit %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1221"/>
        <source>限价后竞价（出让公告规定，只读）</source>
        <translation>After the cap (set by the sale notice, read-only)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1089"/>
        <source>起始 %1，增幅 %2</source>
        <translation>from %1, step %2</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1091"/>
        <source>一次报价有效区间 %1 至 %2</source>
        <translation>one-time bids valid from %1 to %2</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1094"/>
        <source>挂牌最高报价 %1（%2 号）</source>
        <translation>Listing top bid %1 (paddle %2)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1097"/>
        <source>设有保留价：已密封录入</source>
        <translation>Reserve: sealed and entered</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1097"/>
        <source>设有保留价：待录入</source>
        <translation>Reserve: to be entered</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1099"/>
        <source>本标的无保留价（须在竞价前宣布）</source>
        <translation>No reserve (announce before bidding)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1100"/>
        <location filename="../../ui/auction/console.py" line="1210"/>
        <source>允许跳价</source>
        <translation>Jump bids</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1100"/>
        <source>不允许跳价</source>
        <translation>No jump bids</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1101"/>
        <source>竞买人 %1 个号牌</source>
        <translation>%1 bidder paddles</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1103"/>
        <source>%1：须至少 %2 名合格竞买人</source>
        <translation>%1: at least %2 eligible bidders</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1108"/>
        <source>合格竞买人 %1 名，不足 %2 名：不得开拍或竞价。请等待签到，或填写理由终止本标的。</source>
        <translation>%1 eligible bidders, fewer than %2: the lot cannot be opened or bid on. Wait for check-ins, or terminate the lot with a reason.</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1112"/>
        <source>成交价</source>
        <translation>Hammer price</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1114"/>
        <source>买受人号牌 %1</source>
        <translation>Buyer: paddle %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1116"/>
        <source>当前最高应价</source>
        <translation>Leading bid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1118"/>
        <source>当前最高：%1 号</source>
        <translation>Leading: paddle %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1120"/>
        <source>起拍价</source>
        <translation>Start price</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1129"/>
        <source>在最高限价：%1 号</source>
        <translation>At the cap: paddles %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1134"/>
        <source>限价号牌下一报价 %1；其他号牌留空 = 按最高限价应价</source>
        <translation>Next for paddles at the cap: %1; other paddles, empty = accept the cap price</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1136"/>
        <source>限价号牌：金额栏填%1（留空 = 下一报价）</source>
        <translation>Paddles at the cap: type the %1 in Amount (empty = next)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1137"/>
        <source>配建面积 m²</source>
        <translation>配建 area m²</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1137"/>
        <source>自持比例 %</source>
        <translation>share held %</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1139"/>
        <source>录入一次书面报价：号牌 + 金额（密封，全部提交后揭晓）</source>
        <translation>Enter the one-time written bids: paddle + amount (sealed until all are in)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1141"/>
        <source>一次报价须填写金额</source>
        <translation>A one-time bid needs an amount</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1143"/>
        <source>下一应价 %1</source>
        <translation>Next bid %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1182"/>
        <source>有效</source>
        <translation>Valid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1182"/>
        <source>（已更正）</source>
        <translation> (corrected)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1184"/>
        <source>拒绝：</source>
        <translation>Refused: </translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1186"/>
        <source>（密封）</source>
        <translation>(sealed)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1200"/>
        <source>拍卖会</source>
        <translation>Auction</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1201"/>
        <source>标的</source>
        <translation>Lot</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1202"/>
        <location filename="../../ui/auction/console.py" line="1236"/>
        <source>号牌</source>
        <translation>Paddle</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1203"/>
        <location filename="../../ui/auction/console.py" line="1236"/>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1145"/>
        <location filename="../../ui/auction/console.py" line="1149"/>
        <location filename="../../ui/auction/console.py" line="1204"/>
        <source>留空 = 下一应价</source>
        <translation>Empty = next bid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1086"/>
        <source>最高限价 %1 · 限价后：%2（出让公告）</source>
        <translation>Price cap %1 · after the cap: %2 (sale notice)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1087"/>
        <source>未规定：只能注明理由终止</source>
        <translation>not prescribed: the lot can only be terminated with a reason</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1127"/>
        <source>已达限价：%1 号（三次报价后摇号）</source>
        <translation>Cap reached: paddles %1 (lottery after the third call)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1205"/>
        <source>输入号牌</source>
        <translation>Paddle number</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1206"/>
        <source>确认应价 (Enter)</source>
        <translation>Confirm bid (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1207"/>
        <source>密封底价（拍卖师与监督人共同录入）</source>
        <translation>Sealed reserve (auctioneer and supervisor together)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1208"/>
        <source>底价金额</source>
        <translation>Reserve amount</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1209"/>
        <source>录入底价</source>
        <translation>Enter reserve</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1211"/>
        <source>须为幅度整数倍</source>
        <translation>On the step grid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1212"/>
        <source>宣布开拍</source>
        <translation>Open the lot</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1213"/>
        <source>报价（下一次）</source>
        <translation>Next call</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1214"/>
        <source>自动计时报价</source>
        <translation>Timed calls</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1215"/>
        <source>落槌</source>
        <translation>Hammer</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1216"/>
        <source>新的加价幅度</source>
        <translation>New increment</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1217"/>
        <source>调整幅度</source>
        <translation>Set step</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1218"/>
        <source>更正或终止的理由（必填）</source>
        <translation>Reason for a correction or termination (required)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1219"/>
        <source>更正最后应价</source>
        <translation>Correct last bid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1220"/>
        <source>终止本标的</source>
        <translation>Terminate lot</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1222"/>
        <source>例：指导价 +50%</source>
        <translation>e.g. guide price +50 %</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1223"/>
        <source>停止举牌，开始一次报价</source>
        <translation>Stop open bids, start one-time bids</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1224"/>
        <source>打印成交确认书</source>
        <translation>Print confirmation</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1225"/>
        <source>确认摇号候选人</source>
        <translation>Confirm the lottery candidates</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1226"/>
        <source>确认书已签署</source>
        <translation>Confirmation signed</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1227"/>
        <source>竞得人拒签（悔拍）</source>
        <translation>Winner refuses to sign (default)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1228"/>
        <source>随机数字（4–12 位，本人输入）</source>
        <translation>Random digits (4–12, typed by the person)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1229"/>
        <source>拍卖师录入</source>
        <translation>Auctioneer enters</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1230"/>
        <source>监督人录入</source>
        <translation>Supervisor enters</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1231"/>
        <source>抽签（公开种子）</source>
        <translation>Draw (reveal the seed)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1232"/>
        <source>打印拍卖笔录</source>
        <translation>Print record</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1233"/>
        <source>结束录入并揭晓</source>
        <translation>Close entry and reveal</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1236"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="1236"/>
        <source>来源 · 结果</source>
        <translation>Source · result</translation>
    </message>
</context>
</TS>
