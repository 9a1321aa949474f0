using SceneFinance.Grains.CardHolders;
using SceneFinance.Platform.Security;

namespace SceneFinance.Grains.Risk.Backtesting;

/// <summary>
/// Replays a tenant's stored taps, in commit order, through the same evaluator and the same window state as the live path,
/// with a draft rule as the only rule (and today's lists). Taps before the period only build the windows. A tap the draft
/// would have blocked counts as declined in the windows from then on, as it would have live; balances and every other
/// decline stay as recorded. Pure: fed events, asked for the result.
/// </summary>
public sealed class BacktestReplay(
    RiskRuleDefinition rule, RiskRuleSet lists, string tenantId, TimeZoneInfo zone, ITenantMealPeriods meals,
    Func<string?, string, string> categoryOf, Func<string?, string?> idNumberDigest, DateTimeOffset from, DateTimeOffset to, int sampleSize = 50)
{
    public const string DraftRuleId = "draft";

    sealed class Holder(string cardNumber, string? idDigest)
    {
        public string CardNumber = cardNumber;
        public readonly string? IdDigest = idDigest;
        public RiskTrail Trail = RiskTrail.Empty;
    }

    readonly RiskRuleSet _set = lists.WithRules([new LiveRule(DraftRuleId, 0, rule)]);
    readonly Dictionary<string, Holder> _holders = new();
    readonly Dictionary<string, TerminalTrail> _terminals = new();
    readonly HashSet<string> _firedHolders = new();
    readonly List<BacktestSample> _sample = new();

    public long Taps { get; private set; }
    public long Amount { get; private set; }
    public long Holders => _firedHolders.Count;
    public IReadOnlyList<BacktestSample> Sample => _sample;

    /// <summary>The event types a replay reads (Marten's names).</summary>
    public static readonly string[] EventTypes = ["card_holder_registered", "card_replaced", "payment_approved", "payment_declined"];

    public void Apply(object e)
    {
        switch (e)
        {
            case CardHolderRegistered r:
                _holders[r.CardHolderId] = new Holder(r.CardNumber, r.IdNumberDigest ?? (Sealer.IsSealed(r.IdNumber) ? null : idNumberDigest(r.IdNumber)));
                break;
            case CardReplaced x when _holders.TryGetValue(x.CardHolderId, out var h):
                h.CardNumber = x.NewCardNumber;
                h.Trail = h.Trail.Fold(x);
                break;
            case PaymentApproved a:
                Tap(a.CardHolderId, a.PaymentId, a.TerminalId, a.MerchantId, a.Amount, a.OccurredAt, null);
                break;
            case PaymentDeclined d:
                Tap(d.CardHolderId, d.PaymentId, d.TerminalId, d.MerchantId, d.Amount, d.OccurredAt, d.DeclineCode);
                break;
        }
    }

    void Tap(string holderId, string paymentId, string terminalId, string? merchantId, long amount, DateTimeOffset at, string? declineCode)
    {
        if (!_holders.TryGetValue(holderId, out var holder)) return;
        if (!_terminals.TryGetValue(terminalId, out var terminal)) _terminals[terminalId] = terminal = new TerminalTrail();
        var fired = false;
        if (at >= from && at < to && !(declineCode is not null && RiskGate.DeclinedBeforeRules.Contains(declineCode)))
        {
            var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
            var facts = new TapFacts(local, meals.PeriodAt(tenantId, local), categoryOf(merchantId, terminalId), terminal.Figures(_set.TerminalWindows, at));
            var verdict = RiskEvaluator.Evaluate(_set, RiskGate.Context(holderId, holder.Trail, holder.CardNumber, holder.IdDigest, terminalId, amount, at, facts, _set));
            if (verdict.Hits.FirstOrDefault(h => h.RuleId == DraftRuleId) is { } hit)
            {
                fired = true;
                Taps++;
                Amount += amount;
                _firedHolders.Add(holderId);
                if (_sample.Count < sampleSize)
                    _sample.Add(new BacktestSample(paymentId, holderId, terminalId, amount, at, declineCode ?? "approved", hit.Values));
            }
        }
        // What the windows remember is what would have happened with the draft live: its blocks are declines.
        var approved = declineCode is null && !(fired && rule.Action == RiskActions.Block);
        holder.Trail = holder.Trail.Tapped(at, terminalId, amount, approved);
        terminal.Add(at, amount, approved);
    }
}
