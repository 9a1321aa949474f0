namespace SceneFinance.AdminUi.Shell;

public sealed partial class Text
{
    // Terminal and HIS secrets: rotation with a grace for the old secret, enabling a disabled terminal.
    static readonly Dictionary<string, string> SecretWords = new()
    {
        ["New secret"] = "更换密钥",
        ["The old secret keeps working until {0}, then it is refused."] = "旧密钥在 {0} 之前仍可使用，之后将被拒绝。",
    };
}
