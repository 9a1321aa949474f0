using SceneFinance.Grains.Canteen;
using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Grains.CardHolders;

/// <summary>
/// Voids and refunds of a canteen payment. Pure. The merchant gives back the money, which goes back where it came from:
/// cash to cash, the general subsidy to it, a program's subsidy to the program's purse while that purse is still there (its
/// period not yet ended), else to the program's funder; a shortfall clears arrears, a campaign's discount goes back to its
/// marketing account. A partial refund takes from the parts in the reverse of the spending order (cash first, the campaign
/// last), after what earlier refunds of the payment took; never more than was paid.
/// </summary>
public static class Refunds
{
    public static Decided Decide(CardHolder s, RefundPayment c, RefundablePayment p)
    {
        var already = s.Canteen.Refunded.GetValueOrDefault(p.PaymentId);
        if (c.Kind == RefundPayment.Void)
        {
            if (!string.Equals(c.TerminalId, p.TerminalId, StringComparison.Ordinal))
                return Refusal.Conflict("A tap is voided at the till that took it.");
            if (c.Today != p.LocalDay) return Refusal.Conflict("A tap may be voided on its business day only; refund it instead.");
            if (already > 0) return Refusal.Conflict("This payment was refunded already; refund what is left instead.");
        }
        var amount = c.Kind == RefundPayment.Void ? p.Amount : c.Amount;
        if (amount <= 0 || already + amount > p.Amount)
            return Refusal.Conflict($"A refund may not exceed what was paid: {p.Amount - already} fen of {p.Amount} is left.");

        var toPurses = new List<PursePart>();
        var toFunders = new List<FunderPart>();
        long toMarketing = 0, arrearsCleared = 0, skip = already, left = amount;
        foreach (var (part, kind) in RefundOrder(p))
        {
            var from = Math.Min(part.Amount, skip);
            skip -= from;
            var take = Math.Min(part.Amount - from, left);
            if (take <= 0) continue;
            left -= take;
            switch (kind)
            {
                case "purse" when part.Purse != PursePart.Program || (part.PurseKey is not null && s.Canteen.Purses.ContainsKey(part.PurseKey)):
                    toPurses.Add(part with { Amount = take });
                    break;
                case "purse":
                    toFunders.Add(new FunderPart(part.ProgramId!, take));
                    break;
                case "shortfall":
                    // Arrears still owed are cleared; arrears already paid off (by a top-up) come back as cash.
                    var cleared = Math.Min(take, s.Canteen.Arrears - arrearsCleared);
                    arrearsCleared += cleared;
                    if (take > cleared) toPurses.Add(new PursePart(PursePart.Cash, take - cleared));
                    break;
                default:
                    toMarketing += take;
                    break;
            }
        }

        var lines = new List<Posting> { new(Accounts.MerchantReceivable(p.MerchantId), amount, 0) };
        lines.AddRange(toPurses.Select(t => new Posting(Spending.Account(s.Id, t), 0, t.Amount)));
        lines.AddRange(toFunders.Select(f => new Posting(CanteenAccounts.Funder(f.ProgramId), 0, f.Amount)));
        if (arrearsCleared > 0) lines.Add(new Posting(CanteenAccounts.Arrears(s.Id), 0, arrearsCleared));
        if (toMarketing > 0) lines.Add(new Posting(CanteenAccounts.Marketing(p.CampaignId!), 0, toMarketing));
        var meal = p.MealPeriod is { } period ? new MealSlot(period, p.LocalDay) : null;
        return Decided.To(new PaymentRefunded(s.Id, c.RefundId, p.PaymentId, c.Kind, amount, MergeCash(toPurses), toFunders, toMarketing, p.CampaignId,
            arrearsCleared, amount - toMarketing, p.LocalDay, meal, c.Reason, c.By, c.Now, Journal.Balanced(lines)));
    }

    /// <summary>The parts of a payment a refund gives back, in order: purses (reverse of spending), the shortfall, the campaign's discount.</summary>
    static IEnumerable<(PursePart Part, string Kind)> RefundOrder(RefundablePayment p)
    {
        foreach (var part in p.Parts.Reverse()) yield return (part, "purse");
        if (p.Shortfall > 0) yield return (new PursePart("arrears", p.Shortfall), "shortfall");
        if (p.Discount > 0) yield return (new PursePart("campaign", p.Discount), "campaign");
    }

    static List<PursePart> MergeCash(List<PursePart> parts) =>
        parts.GroupBy(p => (p.Purse, p.ProgramId, p.PurseKey)).Select(g => g.First() with { Amount = g.Sum(p => p.Amount) }).ToList();
}
