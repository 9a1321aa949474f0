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
    };
}
