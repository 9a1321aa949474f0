namespace SceneFinance.Scenes.Hospital.Patients;

/// <summary>
/// The hospital scene's ledger accounts (beside the gateway's <c>gateway-unapplied</c>, <c>refunds-pending</c> and
/// <c>clearing</c>). The bank owes the hospital what patients paid for care and owes patients their deposits; patients
/// owe what they were treated for on credit, insurers what they cover.
/// </summary>
public static class HospitalAccounts
{
    public const string HospitalPayable = "hospital-payable";
    public static string Deposit(string patientId) => $"patient:{patientId}:deposit";
    public static string Credit(string patientId) => $"patient:{patientId}:credit";
    public static string InsurerReceivable(string insurerId) => $"insurer-receivable:{insurerId}";
    public static string InsurerClearing(string insurerId) => $"clearing:insurer-{insurerId}";

    /// <summary>The cash in one cashier shift's drawer: its float, plus cash taken, less cash paid out, until the count at close.</summary>
    public static string CashDrawer(string shiftId) => $"cash-drawer:{shiftId}";

    /// <summary>The hospital's safe: floats come from it, counted cash goes back to it at close.</summary>
    public const string CashSafe = "cash-safe";

    /// <summary>What the counts at close found over (credit) or short (debit) of what the drawers should have held.</summary>
    public const string CashOverShort = "cash-over-short";

    /// <summary>A refund's channel money taken from an order or the deposit, until the gateway takes it for the channel.</summary>
    public static string RefundHold(string patientId) => $"patient:{patientId}:refund-hold";
}
