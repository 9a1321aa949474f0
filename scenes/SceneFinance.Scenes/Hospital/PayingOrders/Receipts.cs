using SceneFinance.Scenes.Hospital.Patients;

namespace SceneFinance.Scenes.Hospital.PayingOrders;

[GenerateSerializer, Immutable]
public sealed record ReceiptLine([property: Id(0)] string OrderId, [property: Id(1)] string Description, [property: Id(2)] long Amount,
    [property: Id(3)] long InsuredAmount);

/// <summary>A print-style receipt: what was paid, with what, and what is left.</summary>
[GenerateSerializer, Immutable]
public sealed record Receipt(
    [property: Id(0)] string PaymentId, [property: Id(1)] string Status, [property: Id(2)] string Tender, [property: Id(3)] string? Channel,
    [property: Id(4)] long Amount, [property: Id(5)] IReadOnlyList<ReceiptLine> Lines, [property: Id(6)] long DepositBalance,
    [property: Id(7)] long CreditOutstanding, [property: Id(8)] DateTimeOffset PaidAt);

public static class Receipts
{
    public static Receipt Of(PatientAccount after, OrdersPaid paid) => new(
        paid.PaymentId, "paid", paid.Tender, paid.Channel, paid.Amount,
        paid.Orders.Select(x => new ReceiptLine(x.OrderId, after.Orders[x.OrderId].Description, x.Amount, after.Orders[x.OrderId].Insured)).ToList(),
        after.Deposit, after.CreditOutstanding, paid.PaidAt);

    /// <summary>Whether the account has the money of this channel payment (in its orders or its deposit).</summary>
    public static bool Applied(PatientAccountView account, string intentId) =>
        account.Orders.Any(o => o.Tenders.Any(t => t.IntentId == intentId)) || account.Deposit.Tenders.Any(t => t.IntentId == intentId);

    /// <summary>
    /// The receipt of a channel payment, read from the account after the money was applied (the kiosk shows it when the
    /// payment's notice arrives); null while the account does not have it yet.
    /// </summary>
    public static Receipt? OfIntent(PatientAccountView account, string intentId, string channel, long amount, DateTimeOffset at) =>
        Applied(account, intentId)
            ? new Receipt(intentId, "paid", Tenders.Channel, channel, amount,
                account.Orders.SelectMany(o => o.Tenders.Where(t => t.IntentId == intentId).Select(t => new ReceiptLine(o.Id, o.Description, t.Amount, o.InsuredAmount))).ToList(),
                account.Deposit.Balance, account.Credit?.Outstanding ?? 0, at)
            : null;
}
