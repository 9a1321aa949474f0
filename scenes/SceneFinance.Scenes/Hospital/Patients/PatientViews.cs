using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.Hospital.Patients;

/// <summary>The patient account as the API shows it; the medical card number only by its last 4.</summary>
public static class PatientViews
{
    public static PatientAccountView Of(PatientAccount s, string name, string cardNumber) => new(
        s.PatientId, name, Masking.KeepLast4(cardNumber)!, s.Unpaid.Sum(o => o.Due),
        new DepositView(s.Deposit, Math.Min(s.Deposit, s.DepositTenders.Sum(t => t.Left)),
            s.DepositTenders.Select(t => new TenderView(Tenders.Channel, t.Channel, t.IntentId, t.Amount, t.Refunded)).ToList()),
        s.Credit is null ? null : new CreditView(s.Credit.Limit, s.CreditOutstanding, s.CreditAvailable, s.Credit.LinkedChannel, s.Overdue, s.LastSettlementDate),
        s.Orders.Values.OrderBy(o => o.PostedAt).Select(Order).ToList(),
        s.Refunds.Values.OrderBy(r => r.RequestedAt).Select(r => Refund(s.PatientId, r)).ToList(),
        s.Discharged);

    public static OrderView Order(HospitalOrder o) => new(o.OrderId, o.HisOrderId, o.VisitId, o.Kind, o.Description, o.Amount, o.Insured,
        o.InsurerId, o.SelfPay, o.Due, o.Paid, o.Refunded, o.Status, o.InsuranceStatus, o.PostedAt,
        o.Slices.Select(x => new TenderView(x.Tender, x.Channel, x.IntentId, x.Amount, x.Refunded)).ToList(),
        o.InsuranceStatus == Insurance.Settled ? o.Insured : o.InsurerApproved);

    public static HospitalRefundView Refund(string patientId, HospitalRefund r) => new(r.RefundId, patientId, r.Kind, r.OrderId, r.Amount, r.Reason,
        r.Status, r.RequestedBy, r.ApprovedBy, r.Lines.Select(l => new RefundLineView(l.No, l.Tender, l.Channel, l.IntentId, l.Amount, l.Status)).ToList(),
        r.RequestedAt);
}
