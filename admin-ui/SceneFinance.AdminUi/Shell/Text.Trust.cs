namespace SceneFinance.AdminUi.Shell;

public sealed partial class Text
{
    /// <summary>Sandbox and live, and the approval queue (English key, zh-CN value).</summary>
    static readonly Dictionary<string, string> TrustWords = new()
    {
        ["Sandbox"] = "沙箱",
        ["Live"] = "生产",
        ["sandbox"] = "沙箱",
        ["Mode"] = "模式",
        ["Approvals"] = "复核",
        ["Write-offs and other requests wait here for a second approver: never the person who asked."] = "核销等申请在此等待复核人复核：申请人本人不能复核。",
        ["What"] = "内容",
        ["Requester id"] = "申请人用户 ID",
        ["Approver id"] = "复核人用户 ID",
        ["Your request: someone else approves it"] = "您的申请：须由他人复核",
        ["Awaiting approval"] = "待复核",
        ["Approved, carrying out"] = "已复核，执行中",
        ["Approved and carried out"] = "已复核并执行",
        ["Lapsed"] = "已失效",
        ["campus-bill-cancel"] = "取消账单（核销）",
        ["campus-funded-payment"] = "贷款 / 资助缴费",
        ["This must be approved or rejected by someone other than the person who asked for it."] = "须由申请人以外的人复核或驳回。",
        ["This request was rejected."] = "该申请已被驳回。",
        ["This request was approved already."] = "该申请已通过复核。",
        ["gateway-refund"] = "在线支付退款",
        ["counter-topup"] = "柜台充值（超出每日限额）",
        ["approval-limit-change"] = "修改复核限额",
        ["Counter top-ups by person"] = "柜台充值（按经办人）",
        ["Money credited by hand at the counter (counter and bank-transfer top-ups), per person and day. Above the daily limit, each top-up waits for a second person."] =
            "柜台手工入账（现金与银行转账充值），按经办人和日期统计。超出每日限额后，每笔充值须经他人复核。",
        ["Daily limit per person"] = "每人每日限额",
        ["Person (user id)"] = "经办人（用户 ID）",
        ["Of the limit"] = "占限额",
        ["Ask to change the daily limit"] = "申请修改每日限额",
        ["Asked: someone else approves it in the approval queue."] = "已提交：须由他人在复核队列中复核。",
        ["This top-up would take your counter top-ups today above the daily limit per person: ask for it to be approved by someone else."] =
            "该笔充值将使您今日的柜台充值超出每人每日限额：请提交他人复核。",
        ["Top-up sent for approval: someone else approves it in the approval queue."] = "充值已提交复核：须由他人在复核队列中复核。",
    };
}
