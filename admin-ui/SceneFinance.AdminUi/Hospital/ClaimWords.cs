using SceneFinance.Scenes.Hospital.Insuring;

namespace SceneFinance.AdminUi.Hospital;

/// <summary>A claim's status as the claims page and its spreadsheet say it (English key of the <c>Text</c> translator).</summary>
public static class ClaimWords
{
    public static string Status(string status) => status switch
    {
        ClaimStatus.Queued => "Waiting to be submitted",
        ClaimStatus.Submitted => "Submitted, awaiting the insurer",
        ClaimStatus.Manual => "No insurer connection: enter by hand",
        ClaimStatus.Approved => "Approved by the insurer",
        ClaimStatus.PartlyApproved => "Partly approved by the insurer",
        _ => "Rejected by the insurer",
    };
}
