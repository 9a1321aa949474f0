using MudBlazor;

namespace SceneFinance.AdminUi.Shell;

/// <summary>
/// The shell's and the portal's colours, dark enough for WCAG 2 AA (4.5:1 for text, axe-core's color-contrast rule): MudBlazor's
/// default warning (#ff9800), success (#00c853), error (#f44336) and info (#2196f3) are 2.2 to 3.7:1 against white, so white chip
/// text on them and their alert text were unreadable for many. The AccessibilityJourney checks every main page with axe-core.
/// </summary>
public static class ReadableTheme
{
    public static MudTheme With(string primary) => new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = primary, AppbarBackground = primary,
            Warning = "#a84f00", Success = "#157a36", Error = "#c62828", Info = "#1565c0",
        },
    };
}
