<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>RoleSignIn</name>
    <message>
        <location filename="../../ui/staffing/signin.py" line="103"/>
        <source>身份证</source>
        <extracomment>the panel&apos;s own look (kept here, not in the hall theme, so the auction console gets the same panel) roles the platform appointed someone to</extracomment>
        <translation>ID card</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="104"/>
        <source>身份证+PIN</source>
        <translation>ID card + PIN</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="105"/>
        <source>本厅账号代行</source>
        <translation>hall account standing in</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="275"/>
        <source>平台未指定本场的%1：请以本厅账号和 PIN 码代行并填写原因
No %2 was appointed: a hall account stands in, with its PIN and a reason</source>
        <extracomment>the role the next card is for take, or confirm (at signing) a card waiting for its account&apos;s PIN a sign-in is on the work lane the session whose roles were last loaded</extracomment>
        <translation>平台未指定本场的%1：请以本厅账号和 PIN 码代行并填写原因
No %2 was appointed: a hall account stands in, with its PIN and a reason</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="284"/>
        <source>请 %1 在读卡器上放置身份证
%2: place your ID card on the reader</source>
        <translation>请 %1 在读卡器上放置身份证
%2: place your ID card on the reader</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="329"/>
        <source>正在核验…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="340"/>
        <source>已确认签字：%1 %2</source>
        <translation>Signature confirmed: %1 %2</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="342"/>
        <source>已登记：%1 %2</source>
        <translation>Signed in: %1 %2</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="350"/>
        <source>请 %1 输入本人账号的 PIN 码
%2: enter your account&apos;s PIN</source>
        <translation>请 %1 输入本人账号的 PIN 码
%2: enter your account&apos;s PIN</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="394"/>
        <source>（平台未指定，原因：%1）</source>
        <translation> (none appointed; reason: %1)</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="396"/>
        <source>平台未指定 · 可由本厅账号代行</source>
        <translation>None appointed · a hall account may stand in</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="397"/>
        <source>平台未指定 · 不可代行</source>
        <translation>None appointed · nobody may stand in</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="399"/>
        <source>未登记</source>
        <translation>Not signed in</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="405"/>
        <source>已确认</source>
        <translation>Confirmed</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="405"/>
        <source>签字确认</source>
        <translation>Confirm signature</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="410"/>
        <source>换人登记</source>
        <translation>Sign in another</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="410"/>
        <source>账号代行</source>
        <translation>Stand in by account</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="410"/>
        <source>刷卡登记</source>
        <translation>Sign in by card</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="417"/>
        <source>本场角色（平台指定人员刷身份证登记） / Session roles</source>
        <translation>本场角色（平台指定人员刷身份证登记） / Session roles</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="420"/>
        <source>本厅账号用户名 / account</source>
        <translation>本厅账号用户名 / account</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="421"/>
        <source>代行原因（必填） / reason</source>
        <translation>代行原因（必填） / reason</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="422"/>
        <source>PIN 码 / PIN</source>
        <translation>PIN 码 / PIN</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="423"/>
        <source>确定 / OK</source>
        <translation>确定 / OK</translation>
    </message>
    <message>
        <location filename="../../ui/staffing/signin.py" line="424"/>
        <location filename="../../ui/staffing/signin.py" line="425"/>
        <source>取消 / Cancel</source>
        <translation>取消 / Cancel</translation>
    </message>
</context>
</TS>
