<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AuctionBoard</name>
    <message>
        <location filename="../../ui/auction/board.py" line="29"/>
        <source>第一次报价</source>
        <translation>First call</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="30"/>
        <source>第二次报价</source>
        <translation>Second call</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="31"/>
        <source>第三次报价</source>
        <translation>Third call</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="37"/>
        <source>待拍</source>
        <translation>Not yet offered</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="38"/>
        <source>竞价中</source>
        <translation>Bidding</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="39"/>
        <source>成交</source>
        <translation>Sold</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="40"/>
        <source>流拍（不成交）</source>
        <translation>Unsold (passed)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="41"/>
        <source>终止</source>
        <translation>Terminated</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="167"/>
        <source>等待应价</source>
        <translation>Waiting for bids</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="169"/>
        <source>%1 · 即将落槌</source>
        <translation>%1 · hammer next</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="172"/>
        <source>%1 · %2 秒后%3</source>
        <translation>%1 · %3 in %2 s</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="194"/>
        <source>拍卖大厅</source>
        <translation>Auction hall</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="195"/>
        <source>拍卖会即将开始，请竞买人凭号牌入座</source>
        <translation>The auction starts soon: bidders, please take your seats with your paddles</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="199"/>
        <source>时间以交易平台时钟为准</source>
        <translation>Times follow the trading platform's clock</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="202"/>
        <source>拍卖大厅 · %1</source>
        <translation>Auction hall · %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="204"/>
        <source>起拍价 %1</source>
        <translation>Start price %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="205"/>
        <source>加价幅度 %1</source>
        <translation>Increment %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="207"/>
        <source>最高限价 %1</source>
        <translation>Price cap %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="208"/>
        <source>本标的设有保留价</source>
        <translation>This lot has a reserve</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="208"/>
        <source>本标的无保留价</source>
        <translation>This lot has no reserve</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="211"/>
        <source>成交 · 成交价</source>
        <translation>Sold · hammer price</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="213"/>
        <source>买受人号牌 %1</source>
        <translation>Buyer: paddle %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="219"/>
        <source>当前最高应价</source>
        <translation>Leading bid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="221"/>
        <source>当前最高 %1 号</source>
        <translation>Leading: paddle %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="223"/>
        <source>起拍价 · 等待应价</source>
        <translation>Start price · waiting for bids</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="230"/>
        <source>已达最高限价：%1 号 · 落槌时摇号</source>
        <translation>Cap reached: paddles %1 · lottery at the hammer</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="236"/>
        <source>出价已收到：%1 号 %2</source>
        <translation>Bid received: paddle %1 %2</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="240"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="240"/>
        <source>号牌</source>
        <translation>Paddle</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="240"/>
        <source>应价</source>
        <translation>Bid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="249"/>
        <source>已更正</source>
        <translation>Corrected</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="249"/>
        <source>挂牌报价</source>
        <translation>Listing bid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/board.py" line="252"/>
        <source>应价一经确认不得撤回 · 三次报价无人应价即落槌 · 时间以交易平台时钟为准</source>
        <translation>Bids cannot be withdrawn · hammer after three calls without a bid · platform clock</translation>
    </message>
</context>
<context>
    <name>AuctionConsole</name>
    <message>
        <location filename="../../ui/auction/console.py" line="44"/>
        <source>现场</source>
        <translation>Floor</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="45"/>
        <source>竞价器</source>
        <translation>Keypad</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="46"/>
        <source>挂牌</source>
        <translation>Listing</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="231"/>
        <source>拍卖</source>
        <extracomment>the big screen follows the console</extracomment>
        <translation>Auction</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="494"/>
        <source>等待应价</source>
        <translation>Waiting for bids</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="496"/>
        <source>%1 · 无人应价，请落槌</source>
        <translation>%1 · no bid: drop the hammer</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="498"/>
        <source>%1 · %2 秒后%3</source>
        <translation>%1 · %3 in %2 s</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="504"/>
        <source>今日暂无拍卖会</source>
        <translation>No auction today</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="516"/>
        <source>起拍价 %1</source>
        <translation>Start price %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="517"/>
        <source>加价幅度 %1</source>
        <translation>Increment %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="519"/>
        <source>保证金 %1</source>
        <translation>Deposit %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="521"/>
        <source>最高限价 %1（达到后摇号）</source>
        <translation>Price cap %1 (lottery once reached)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="523"/>
        <source>挂牌最高报价 %1（%2 号）</source>
        <translation>Listing top bid %1 (paddle %2)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="526"/>
        <source>设有保留价：已密封录入</source>
        <translation>Reserve: sealed and entered</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="526"/>
        <source>设有保留价：待录入</source>
        <translation>Reserve: to be entered</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="528"/>
        <source>本标的无保留价（须在竞价前宣布）</source>
        <translation>No reserve (announce before bidding)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="529"/>
        <location filename="../../ui/auction/console.py" line="596"/>
        <source>允许跳价</source>
        <translation>Jump bids</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="529"/>
        <source>不允许跳价</source>
        <translation>No jump bids</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="530"/>
        <source>竞买人 %1 个号牌</source>
        <translation>%1 bidder paddles</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="533"/>
        <source>成交价</source>
        <translation>Hammer price</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="535"/>
        <source>买受人号牌 %1</source>
        <translation>Buyer: paddle %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="537"/>
        <source>当前最高应价</source>
        <translation>Leading bid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="539"/>
        <source>当前最高：%1 号</source>
        <translation>Leading: paddle %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="541"/>
        <source>起拍价</source>
        <translation>Start price</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="547"/>
        <source>已达限价：%1 号（落槌时摇号）</source>
        <translation>Cap reached: paddles %1 (lottery at the hammer)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="549"/>
        <source>下一应价 %1</source>
        <translation>Next bid %1</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="570"/>
        <source>有效</source>
        <translation>Valid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="570"/>
        <source>（已更正）</source>
        <translation> (corrected)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="572"/>
        <source>拒绝：</source>
        <translation>Refused: </translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="583"/>
        <source>拍卖会</source>
        <translation>Auction</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="584"/>
        <source>标的</source>
        <translation>Lot</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="585"/>
        <location filename="../../ui/auction/console.py" line="607"/>
        <source>号牌</source>
        <translation>Paddle</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="586"/>
        <location filename="../../ui/auction/console.py" line="607"/>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="587"/>
        <source>留空 = 下一应价</source>
        <translation>Empty = next bid</translation>
    </message>
    <message>
        <source>金额留空即按下一应价；Enter 确认</source>
        <translation type="vanished">Leave the amount empty for the next bid; Enter confirms</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="588"/>
        <source>输入号牌</source>
        <translation>Paddle number</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="589"/>
        <source>确认应价 (Enter)</source>
        <translation>Confirm bid (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="590"/>
        <source>密封底价（拍卖师与监督人共同录入）</source>
        <translation>Sealed reserve (auctioneer and supervisor together)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="591"/>
        <source>底价金额</source>
        <translation>Reserve amount</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="592"/>
        <source>拍卖师 PIN</source>
        <translation>Auctioneer PIN</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="593"/>
        <source>监督人用户名</source>
        <translation>Supervisor username</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="594"/>
        <source>监督人 PIN</source>
        <translation>Supervisor PIN</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="595"/>
        <source>录入底价</source>
        <translation>Enter reserve</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="597"/>
        <source>须为幅度整数倍</source>
        <translation>On the step grid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="598"/>
        <source>宣布开拍</source>
        <translation>Open the lot</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="599"/>
        <source>报价（下一次）</source>
        <translation>Next call</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="600"/>
        <source>自动计时报价</source>
        <translation>Timed calls</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="601"/>
        <source>落槌</source>
        <translation>Hammer</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="602"/>
        <source>新的加价幅度</source>
        <translation>New increment</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="603"/>
        <source>调整幅度</source>
        <translation>Set step</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="604"/>
        <source>更正或终止的理由（必填）</source>
        <translation>Reason for a correction or termination (required)</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="605"/>
        <source>更正最后应价</source>
        <translation>Correct last bid</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="606"/>
        <source>终止本标的</source>
        <translation>Terminate lot</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="607"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/auction/console.py" line="607"/>
        <source>来源 · 结果</source>
        <translation>Source · result</translation>
    </message>
</context>
</TS>
