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

    public static string Tender(string tender, string? channel) => tender == Tenders.Cash ? "Cash" : KioskWords.Tender(tender, channel);
}
