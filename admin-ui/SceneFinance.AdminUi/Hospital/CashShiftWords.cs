using SceneFinance.Scenes.Hospital.CashWindow;

namespace SceneFinance.AdminUi.Hospital;

/// <summary>A shift's status as the page and its spreadsheet say it (English key of the <c>Text</c> translator).</summary>
public static class CashShiftWords
{
    public static string Status(string status) => status switch
    {
        ShiftStatus.Open => "Shift open",
        ShiftStatus.Closing => "Waiting for a second person",
        _ => "Shift closed",
    };
}
