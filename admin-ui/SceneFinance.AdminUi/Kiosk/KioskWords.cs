using SceneFinance.Payments.Gateway;
using SceneFinance.Scenes.Hospital.Patients;

namespace SceneFinance.AdminUi.Kiosk;

/// <summary>
/// What patients read for a channel or a tender: the channels' own names (the translator's keys are English words, and a
/// patient reads "WeChat Pay", not the id <c>wechat-pay</c> the staff pages show).
/// </summary>
public static class KioskWords
{
    public static string Channel(string channel) => channel switch
    {
        PaymentChannels.WeChatPay => "WeChat Pay",
        PaymentChannels.Alipay => "Alipay",
        PaymentChannels.UnionPay => "UnionPay",
        PaymentChannels.ECny => "e-CNY",
        _ => channel,
    };

    public static string Tender(string tender, string? channel) => tender switch
    {
        Tenders.Deposit => "Deposit",
        Tenders.Credit => "Credit care",
        _ => Channel(channel ?? tender),
    };
}
