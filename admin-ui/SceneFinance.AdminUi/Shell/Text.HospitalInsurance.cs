namespace SceneFinance.AdminUi.Shell;

public sealed partial class Text
{
    /// <summary>The insurance exchange's words (English key, zh-CN value): the claims list, the simulated insurer, manual entry.</summary>
    static readonly Dictionary<string, string> HospitalInsuranceWords = new()
    {
        ["Insurance claims"] = "医保结算申请",
        ["Claim number"] = "结算申请号",
        ["Claimed"] = "申请金额",
        ["Approved amount"] = "核准金额",
        ["Simulated insurer"] = "医保模拟器",
        ["Approve in part"] = "部分核准",
        ["Approved yuan"] = "核准金额（元）",
        ["Waiting to be submitted"] = "待提交",
        ["Submitted, awaiting the insurer"] = "已提交，待医保答复",
        ["No insurer connection: enter by hand"] = "未接入医保：手工录入",
        ["Approved by the insurer"] = "医保已核准",
        ["Partly approved by the insurer"] = "医保部分核准",
        ["Rejected by the insurer"] = "医保已拒付",
        ["insurance:partly_settled"] = "医保部分结算",
        ["Sandbox: answer submitted claims as the simulated insurer would. A partial approval pays the amount entered; the patient owes the rest."] =
            "沙箱：以模拟医保机构的身份答复已提交的结算申请。部分核准按所填金额支付，其余由患者补缴。",
        ["The insurer answered claim {0}: {1}."] = "医保机构已答复结算申请 {0}：{1}。",
        ["Asked for approval: someone else approves it in the approval queue."] = "已提交审批：须由另一人在审批队列中批准。",
    };
}
