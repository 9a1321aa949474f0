using Marten;
using Microsoft.Extensions.Logging;
using SceneFinance.Grains;
using SceneFinance.Platform;
using SceneFinance.Platform.Notifying;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Hospital.CreditCare;
using SceneFinance.Scenes.Hospital.Patients;
using SceneFinance.Scenes.Hospital.Settings;

namespace SceneFinance.Scenes.Hospital.Withholding;

/// <summary>
/// The reminder before a night's settlement (the city programs send it at 20:00): at the tenant's reminder time, in its own zone,
/// each patient the coming run will debit under their agreement (open credit the deposit does not cover) is told the amount and the
/// channel by SMS, through the one <see cref="Notifier"/>, under an id naming the patient and the run's date: once per patient and
/// night, also across a restart or on another host. Called by the hospital's nightly job on the one scheduler.
/// </summary>
public sealed class SettlementReminders(IDocumentStore store, IGrainFactory grains, Notifier notifier, TenantClock clock, ILogger<SettlementReminders> log)
{
    public const string Template = "credit-settlement-reminder";

    /// <summary>Every tenant with active agreements whose reminder time has passed and whose coming run has not: its patients are told.</summary>
    public async Task<int> Sweep(CancellationToken ct = default)
    {
        IReadOnlyList<string> tenants;
        await using (var session = store.QuerySession())
            tenants = await session.Query<WithholdingListing>().Where(l => l.AnyTenant() && l.Status == AgreementStates.Active).Select(l => l.TenantId).Distinct().ToListAsync(ct);
        var told = 0;
        foreach (var tenantId in tenants)
        {
            var settings = await HospitalSettings.Load(store, tenantId);
            var time = await clock.For(tenantId);
            // The night's run this reminder comes before: today's when the run's time is later today, else tomorrow's.
            var runDay = settings.ReminderTime < settings.SettlementTime ? time.Today : time.Today.AddDays(1);
            if (time.Now < time.At(time.Today, settings.ReminderTime) || time.Now >= time.At(runDay, settings.SettlementTime)) continue;
            var runDate = runDay.ToString("yyyy-MM-dd");
            await using (var session = store.QuerySession(tenantId))
                if (await session.LoadAsync<CreditSettlementDay>(runDate, ct) is not null) continue;
            told += await Remind(tenantId, runDate, settings.ReminderLanguage, ct);
        }
        return told;
    }

    /// <summary>Tells each patient with an active agreement what the run of <paramref name="runDate"/> will debit (once each); how many were told now.</summary>
    public async Task<int> Remind(string tenantId, string runDate, string language, CancellationToken ct = default)
    {
        IReadOnlyList<WithholdingListing> agreed;
        IReadOnlyList<PatientAccountListing> owing;
        await using (var session = store.QuerySession(tenantId))
        {
            agreed = await session.Query<WithholdingListing>().Where(l => l.Status == AgreementStates.Active).ToListAsync(ct);
            var ids = agreed.Select(a => a.Id).ToArray();
            owing = await session.Query<PatientAccountListing>().Where(p => ids.Contains(p.Id) && p.CreditOutstanding > p.Deposit).ToListAsync(ct);
        }
        var told = 0;
        foreach (var patient in owing)
        {
            var agreement = agreed.First(a => a.Id == patient.Id);
            var amount = patient.CreditOutstanding - patient.Deposit;
            var phone = await grains.GetGrain<ICardHolderGrain>(GrainKeys.For(tenantId, patient.Id)).ContactPhone();
            if (string.IsNullOrEmpty(phone))
            {
                log.LogInformation("Settlement reminder {Date}: patient {PatientId} has no phone", runDate, patient.Id);
                continue;
            }
            var id = $"hospital-settlement-reminder:{tenantId}:{patient.Id}:{runDate}";
            if (await notifier.Find(id) is not null) continue; // told already (another round, another host, before a restart)
            await notifier.Send(new Notification
            {
                Id = id, Channel = NotificationChannels.Sms, To = phone, TenantId = tenantId, Template = Template, Text = Text(language, amount, agreement.Channel, runDate),
            }, ct: ct);
            told++;
        }
        return told;
    }

    /// <summary>The reminder's words, zh-CN or en: the amount in yuan, the channel by its name, the run's date.</summary>
    public static string Text(string language, long amount, string channel, string runDate) => language == "en"
        ? $"Credit care: ¥{Money.Yuan(amount)} of your unpaid charges will be debited from {ChannelName(channel, en: true)} under your withholding agreement in tonight's settlement ({runDate}). Pay at the hospital before then to avoid it."
        : $"【信用就医】您尚有 ¥{Money.Yuan(amount)} 费用未结清，将于今晚结算（{runDate}）时通过{ChannelName(channel, en: false)}免密代扣。如需自行缴费，请在此之前办理。";

    static string ChannelName(string channel, bool en) => channel switch
    {
        "wechat-pay" => en ? "WeChat Pay" : "微信支付",
        "alipay" => en ? "Alipay" : "支付宝",
        "unionpay" => en ? "UnionPay" : "银联",
        "e-cny" => en ? "e-CNY" : "数字人民币",
        _ => channel,
    };
}
