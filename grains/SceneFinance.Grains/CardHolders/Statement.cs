namespace SceneFinance.Grains.CardHolders;

/// <summary>A holder's movements as the API's transactions show them, each with the balance of all purses after it. Pure.</summary>
public static class Statement
{
    public static readonly string[] MoneyEvents =
    [
        "card_topped_up", "payment_approved", "payment_declined", "card_refund_debited", "card_refund_released",
        "subsidy_granted", "subsidy_returned", "arrears_recovered", "payment_refunded", "card_cash_paid_out",
    ];

    /// <summary>The lines of the money events, oldest first.</summary>
    public static IEnumerable<TransactionItem> Lines(IEnumerable<object> events)
    {
        long balance = 0;
        foreach (var e in events)
        {
            var line = e switch
            {
                CardToppedUp t => Line(t.TopUpId, "topup", t.Amount, t.Amount, t.ToppedUpAt),
                PaymentApproved p => Line(p.PaymentId, "payment", p.Amount, -(p.FromCash + p.FromSubsidy), p.ApprovedAt, p.TerminalId, "approved"),
                PaymentDeclined d => Line(d.PaymentId, "payment", d.Amount, 0, d.DeclinedAt, d.TerminalId, "declined"),
                CardRefundDebited r => Line(r.RefundId, "refund", r.Amount, -r.Amount, r.DebitedAt),
                CardRefundReleased r => Line(r.RefundId, "adjustment", r.Amount, r.Amount, r.ReleasedAt),
                SubsidyGranted g => Line($"{g.ProgramId}/{g.PeriodKey}", "topup", g.Amount, g.Amount, g.GrantedAt),
                SubsidyReturned r => Line($"{r.ProgramId}/{r.PeriodKey}", "adjustment", r.Amount, -r.Amount, r.ReturnedAt),
                ArrearsRecovered a => Line($"arrears/{a.RecoveredAt:O}", "adjustment", a.Amount, -a.Amount, a.RecoveredAt),
                PaymentRefunded r => Line(r.RefundId, "refund", r.Amount, r.ToPurses.Sum(p => p.Amount), r.RefundedAt),
                CardCashPaidOut o => Line(o.PayoutId, "refund", o.Amount, -o.Amount, o.PaidOutAt),
                _ => null,
            };
            if (line is null) continue;
            balance += line.Value.Delta;
            yield return line.Value.Item with { BalanceAfter = balance };
        }
    }

    static (TransactionItem Item, long Delta)? Line(string id, string type, long amount, long delta, DateTimeOffset at, string? terminalId = null, string status = "succeeded") =>
        (new TransactionItem(id, type, amount, 0, at, terminalId, status), delta);
}
