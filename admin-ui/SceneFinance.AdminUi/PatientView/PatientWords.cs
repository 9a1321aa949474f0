using SceneFinance.AdminUi.Kiosk;
using SceneFinance.Scenes.Hospital.OwnView;
using SceneFinance.Scenes.Hospital.Patients;

namespace SceneFinance.AdminUi.PatientView;

/// <summary>What a patient reads for what a payment was for and what paid it (the translator's English keys).</summary>
public static class PatientWords
{
    public static string Purpose(string purpose) => purpose switch
    {
        PatientSelf.Deposit => "Into the deposit",
        PatientSelf.Credit => "Credit care repaid",
        _ => "Hospital charges",
    };

    public static string OrderStatus(string status) => status switch
    {
        Scenes.Hospital.Patients.OrderStatus.Paid => "Paid",
        Scenes.Hospital.Patients.OrderStatus.Canceled => "Canceled",
        _ => "To pay",
    };

    /// <summary>The insurer's part as the patient reads it; null when no insurer is involved.</summary>
    public static string? Insurance(string status) => status switch
    {
        Scenes.Hospital.Patients.Insurance.Pending => "Awaiting the insurer",
        Scenes.Hospital.Patients.Insurance.Settled => "Insurer paid",
        Scenes.Hospital.Patients.Insurance.Rejected => "Insurer refused",
        _ => null,
    };

    public static string RefundStatus(string status) => status switch
    {
        HospitalRefund.Executed => "Refunded",
        HospitalRefund.PendingApproval => "Awaiting approval",
        _ => "Refund refused",
    };

    public static string Tender(string tender, string? channel) => tender == Tenders.Cash ? "Cash" : KioskWords.Tender(tender, channel);
}
