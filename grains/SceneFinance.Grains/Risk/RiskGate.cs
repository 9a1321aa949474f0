using SceneFinance.Grains.CardHolders;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Grains.Risk;

/// <summary>
/// Rules and lists fired on a tap: in the holder's stream beside the payment's decision, in the same commit, so every
/// decline and review is explained (which rule, which version, which values) by the history itself.
/// </summary>
public sealed record RiskDecisionRecorded(
    string CardHolderId, string PaymentId, string TerminalId, long Amount, string Outcome, RiskHit[] Hits,
    DateTimeOffset OccurredAt, DateTimeOffset DecidedAt);

/// <summary>
/// Where the risk rules meet the wallet, in the card holder's grain: the wallet decides first; unless it declined for the
/// tenant, the terminal or the card's status, the rules are evaluated on the holder's state and the terminal's facts, and
/// a block turns the decision into a <c>risk_rejected</c> decline. Pure: the backtest calls the same evaluator.
/// </summary>
public static class RiskGate
{
    /// <summary>The wallet's reasons that come before any rule: nothing is evaluated (or recorded) for these taps.</summary>
    public static readonly HashSet<string> DeclinedBeforeRules =
        [ErrorCodes.TenantSuspended, ErrorCodes.TerminalDisabled, ErrorCodes.CardLost, ErrorCodes.CardFrozen];

    public static Decided Decide(CardHolder s, Pay c, RiskRuleSet set, string? idNumberDigest, IPaymentDecision decision)
    {
        // A decline says at which merchant it was refused too (the backtest reads the category through it).
        if (decision is PaymentDeclined { MerchantId: null } declined) decision = declined with { MerchantId = c.MerchantId };
        if (set.IsEmpty || decision is PaymentDeclined d && DeclinedBeforeRules.Contains(d.DeclineCode)) return Decided.To(decision);
        var tap = Context(s.Id, s.Risk, c.CardNumber, idNumberDigest, c.TerminalId, c.Amount, c.OccurredAt, c.Risk, set);
        var verdict = RiskEvaluator.Evaluate(set, tap);
        if (verdict.Outcome is null) return Decided.To(decision);

        if (verdict.Blocks)
            decision = new PaymentDeclined(s.Id, c.PaymentId, c.TerminalId, c.Amount, ErrorCodes.RiskRejected, s.Total, c.OccurredAt, c.Now, c.MerchantId);
        var recorded = new RiskDecisionRecorded(s.Id, c.PaymentId, c.TerminalId, c.Amount, verdict.Outcome, verdict.Hits, c.OccurredAt, c.Now);
        var approved = decision is PaymentApproved;
        var decided = Decided.To(decision, recorded).Insert(new RiskInterception
        {
            Id = c.PaymentId, CardHolderId = s.Id, CardLast4 = Last4(s.CardNumber), CardKey = CardKeys.Of(c.CardNumber), TerminalId = c.TerminalId, Amount = c.Amount,
            OccurredAt = c.OccurredAt, DecidedAt = c.Now, Outcome = verdict.Outcome, Status = approved ? "approved" : "declined",
            DeclineCode = (decision as PaymentDeclined)?.DeclineCode, Hits = verdict.Hits, RuleIds = [.. verdict.Hits.Select(h => h.RuleId)],
        });
        // A review approves the tap and opens a case, in this same commit: no case is lost, none is opened twice.
        return verdict.Outcome == RiskOutcomes.Reviewed && approved
            ? decided.Insert(new RiskCase
            {
                Id = RiskCase.IdOf(c.PaymentId), PaymentId = c.PaymentId, CardHolderId = s.Id, CardLast4 = Last4(s.CardNumber), CardKey = CardKeys.Of(c.CardNumber),
                TerminalId = c.TerminalId, Amount = c.Amount, OccurredAt = c.OccurredAt, OpenedAt = c.Now, UpdatedAt = c.Now,
                Hits = [.. verdict.Hits.Where(h => h.Action == RiskActions.Review)],
                History = [new RiskCaseEntry(c.Now, "system", "opened", string.Join(", ", verdict.Hits.Select(h => $"{h.Name} v{h.Version}")))],
            })
            : decided;
    }

    /// <summary>The tap as the rules see it; the holder's <paramref name="trail"/> is from before the tap.</summary>
    public static TapContext Context(string holderId, RiskTrail trail, string cardNumber, string? idNumberDigest, string terminalId, long amount,
        DateTimeOffset occurredAt, TapFacts? facts, RiskRuleSet set) =>
        new(amount, occurredAt, terminalId,
            facts ?? new TapFacts(TimeOnly.FromDateTime(occurredAt.UtcDateTime), MealPeriods.None, MerchantCategories.Other, []),
            trail,
            set.On(RiskListSubjects.Card, set.HasLists ? CardKeys.Of(cardNumber) : null),
            set.On(RiskListSubjects.Holder, holderId),
            set.On(RiskListSubjects.Terminal, terminalId),
            set.On(RiskListSubjects.IdNumber, idNumberDigest));

    static string Last4(string card) => card.Length > 4 ? card[^4..] : card;
}
