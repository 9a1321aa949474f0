using SceneFinance.Scenes.Hospital.Patients;

namespace SceneFinance.Scenes.Hospital.PayingOrders;

public sealed record ReceiptLine(string OrderId, string Description, long Amount, long InsuredAmount);

/// <summary>A print-style receipt: what was paid, with what, and what is left.</summary>
public sealed record Receipt(
    string PaymentId, string Status, string Tender, string? Channel, long Amount, IReadOnlyList<ReceiptLine> Lines,
    long DepositBalance, long CreditOutstanding, DateTimeOffset PaidAt);

public static class Receipts
{
    public static Receipt Of(PatientAccount after, OrdersPaid paid) => new(
        paid.PaymentId, "paid", paid.Tender, paid.Channel, paid.Amount,
        paid.Orders.Select(x => new ReceiptLine(x.OrderId, after.Orders[x.OrderId].Description, x.Amount, after.Orders[x.OrderId].Insured)).ToList(),
        after.Deposit, after.CreditOutstanding, paid.PaidAt);
}
