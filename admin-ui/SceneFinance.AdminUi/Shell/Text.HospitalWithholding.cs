namespace SceneFinance.AdminUi.Shell;

public sealed partial class Text
{
    /// <summary>The hospital's withholding (password-free debit) agreements and the nightly settlement's run (English key, zh-CN value).</summary>
    static readonly Dictionary<string, string> WithholdingWords = new()
    {
        ["Withholding agreement"] = "免密代扣协议",
        ["agreement pending"] = "待签约",
        ["agreement active"] = "已生效",
        ["agreement canceled"] = "已解约",
        ["No withholding agreement."] = "未签免密代扣协议。",
        ["Signed since"] = "签约时间",
        ["Offered"] = "发起时间",
        ["Ended"] = "解约时间",
        ["Ended by"] = "解约方",
        ["the patient at the channel"] = "患者在渠道解约",
        ["the hospital"] = "医院",
        ["Offer an agreement"] = "发起免密代扣签约",
        ["Cancel the agreement"] = "解除协议",
        ["Waiting for the patient to sign in the wallet app."] = "等待患者在钱包应用中签约。",
        ["Open the signing page"] = "打开签约页面",
        ["Agreement offered: the patient signs it in the wallet app."] = "已发起签约：请患者在钱包应用中确认。",
        ["Agreement canceled."] = "协议已解除。",
        ["Nightly credit settlement"] = "信用就医夜间结算",
        ["Run the settlement"] = "执行结算",
        ["Settlement date (yyyy-MM-dd, optional)"] = "结算日期（yyyy-MM-dd，可选）",
        ["Patients with open credit"] = "有未结信用金额的患者",
        ["Settled from deposits"] = "预交金结算金额",
        ["Still open"] = "仍未结清",
        ["Asked in the wallet"] = "待钱包确认笔数",
        ["Debited directly (withholding)"] = "免密代扣直接扣款",
        ["No patient was debited directly."] = "本次无免密代扣扣款。",
        ["Settlement reminder time (HH:mm)"] = "结算提醒时间（HH:mm）",
        ["Reminder language"] = "提醒语言",
    };
}
