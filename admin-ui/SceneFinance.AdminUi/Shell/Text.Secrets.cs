namespace SceneFinance.AdminUi.Shell;

public sealed partial class Text
{
    // Terminal and HIS secrets: rotation with a grace for the old secret, enabling a disabled terminal.
    static readonly Dictionary<string, string> SecretWords = new()
    {
        ["New secret"] = "更换密钥",
        ["The old secret keeps working until {0}, then it is refused."] = "旧密钥在 {0} 之前仍可使用，之后将被拒绝。",
        // The hospital's HIS clients (the HIS's signed system-client credentials)
        ["HIS clients"] = "HIS 接入客户端",
        ["New HIS client"] = "新建 HIS 客户端",
        ["Client id"] = "客户端 ID",
        ["Old secret works until"] = "旧密钥有效至",
        ["Copy this secret into the HIS now: it is shown only once."] = "请立即将此密钥配置到 HIS：它只显示这一次。",
        ["The hospital information system signs its charge orders with a client id and secret. Disable a client to refuse its requests at once; a new secret replaces the old one, which keeps working for a grace period."]
            = "医院信息系统（HIS）用客户端 ID 和密钥对收费医嘱签名。停用客户端即拒绝其请求；更换密钥后，旧密钥在宽限期内仍可使用。",
    };
}
