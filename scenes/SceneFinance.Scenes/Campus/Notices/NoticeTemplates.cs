using SceneFinance.Platform;

namespace SceneFinance.Scenes.Campus.Notices;

/// <summary>
/// The notices a guardian may receive about a child (the reminders before a due date and on overdue are the reminder run's), each
/// written in zh-CN or English, as the guardian chose. Pure: what an event says, in the guardian's words.
/// </summary>
public static class NoticeTemplates
{
    public const string BillIssued = "bill-issued", PaymentReceived = "payment-received", CardSpend = "card-spend", LowBalance = "low-balance",
        TopUpCredited = "top-up-credited", CardFrozen = "card-frozen", CardLost = "card-lost";

    public static readonly string[] All = [BillIssued, PaymentReceived, CardSpend, LowBalance, TopUpCredited, CardFrozen, CardLost];

    /// <summary>A card someone may be using without the family knowing: told at once, also during quiet hours.</summary>
    public static bool Urgent(string template) => template is CardFrozen or CardLost;

    public const string Chinese = "zh-CN", English = "en";
    public static readonly string[] Languages = [Chinese, English];

    /// <summary>What the event says (<paramref name="amount"/>, <paramref name="balance"/> and <paramref name="threshold"/> in fen).</summary>
    public static string Text(string template, string language, string student, string? plan = null, long amount = 0, long balance = 0, long threshold = 0)
    {
        var (a, b, t) = (Money.Yuan(amount), Money.Yuan(balance), Money.Yuan(threshold));
        return language == English
            ? template switch
            {
                BillIssued => $"[School fees] {student}: the bill \"{plan}\" is issued, {a} yuan to pay.",
                PaymentReceived => $"[Payment received] {a} yuan for {student}'s \"{plan}\". Thank you.",
                CardSpend => $"[Card spend] {student}'s campus card paid {a} yuan; balance {b} yuan.",
                LowBalance => $"[Low balance] {student}'s campus card holds {b} yuan, below the {t} yuan you set.",
                TopUpCredited => $"[Top-up credited] {a} yuan on {student}'s campus card; balance {b} yuan.",
                CardFrozen => $"[Card frozen] {student}'s campus card is frozen; it pays nothing until unfrozen.",
                CardLost => $"[Card reported lost] {student}'s campus card is reported lost and refused from now on.",
                _ => throw new ArgumentOutOfRangeException(nameof(template), template, null),
            }
            : template switch
            {
                BillIssued => $"【缴费通知】{student}的“{plan}”已出账，应缴{a}元。",
                PaymentReceived => $"【缴费成功】已收到{student}的“{plan}”缴费{a}元，谢谢。",
                CardSpend => $"【消费提醒】{student}的校园卡消费{a}元，余额{b}元。",
                LowBalance => $"【余额不足】{student}的校园卡余额{b}元，低于您设置的{t}元。",
                TopUpCredited => $"【充值到账】{student}的校园卡已充值{a}元，余额{b}元。",
                CardFrozen => $"【卡片冻结】{student}的校园卡已冻结，解冻前不能消费。",
                CardLost => $"【卡片挂失】{student}的校园卡已挂失，此后刷卡一律拒绝。",
                _ => throw new ArgumentOutOfRangeException(nameof(template), template, null),
            };
    }

    /// <summary>A spend that takes the balance from at or above the guardian's threshold to below it (once per crossing, not per tap).</summary>
    public static bool FellBelow(long before, long after, long? threshold) => threshold is { } t && before >= t && after < t;
}
