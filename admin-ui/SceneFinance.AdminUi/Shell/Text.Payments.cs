namespace SceneFinance.AdminUi.Shell;

public sealed partial class Text
{
    /// <summary>The payments pages' words (English key, zh-CN value).</summary>
    static readonly Dictionary<string, string> PaymentWords = new()
    {
    };
}
