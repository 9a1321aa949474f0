namespace SceneFinance.AdminUi.Shell;

public sealed partial class Text
{
    /// <summary>The campus pages' words (English key, zh-CN value).</summary>
    static readonly Dictionary<string, string> CampusWords = new()
    {
    };
}
