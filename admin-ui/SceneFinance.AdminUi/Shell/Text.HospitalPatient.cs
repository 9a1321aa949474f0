namespace SceneFinance.AdminUi.Shell;

public sealed partial class Text
{
    /// <summary>The patient's own pages (银医通: their records, receipts and reports), English key, zh-CN value.</summary>
    static readonly Dictionary<string, string> HospitalPatientWords = new()
    {
        ["My hospital records"] = "我的就医记录",
        ["Patient sign-in"] = "患者登录",
        ["Sign in with the phone number you gave the hospital."] = "请使用在医院登记的手机号登录。",
        ["If the hospital has this phone, a code is on its way by SMS. It works once, for 5 minutes."] = "如医院登记了该手机号，验证码将以短信发送，5 分钟内有效，仅可使用一次。",
        ["No hospital has records under your phone."] = "暂无医院以该手机号登记的就医记录。",
        ["Refundable to the channels that paid it"] = "可原路退回",
        ["Your credit care is overdue: please pay what is open."] = "您的信用就医已逾期，请尽快缴清未结金额。",
        ["Reports ready"] = "已出报告",
        ["Medical report"] = "报告",
        ["Ready at"] = "出报告时间",
        ["No report is ready yet."] = "暂无已出的报告。",
        ["Visits"] = "就诊记录",
        ["Visit"] = "就诊号",
        ["Orders"] = "缴费项目",
        ["{0} refunded"] = "已退 {0}",
        ["My payments"] = "缴费记录",
        ["Paid for"] = "缴费用途",
        ["View receipt"] = "查看凭证",
        ["Back to"] = "退回至",
        ["Back to my records"] = "返回我的记录",
        ["Hospital charges"] = "医疗费用",
        ["Into the deposit"] = "缴纳预交金",
        ["Credit care repaid"] = "信用就医还款",
        ["Cash"] = "现金",
        ["To pay"] = "待缴费",
        ["Canceled"] = "已取消",
        ["Awaiting the insurer"] = "待医保结算",
        ["Refund refused"] = "退款未通过",
    };
}
