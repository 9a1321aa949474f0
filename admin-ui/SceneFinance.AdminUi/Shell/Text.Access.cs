namespace SceneFinance.AdminUi.Shell;

public sealed partial class Text
{
    // Access control and the audit log (Users, Audit, the password page).
    static readonly Dictionary<string, string> AccessWords = new()
    {
        ["Audit log"] = "审计日志",
        ["Actor"] = "操作人",
        ["Target"] = "对象",
        ["Before"] = "变更前",
        ["After"] = "变更后",
        ["Address"] = "IP 地址",
        ["system"] = "系统",
        ["Access"] = "访问权限",
        ["Reset password"] = "重置密码",
        ["New password"] = "新密码",
        ["Current password"] = "当前密码",
        ["Repeat the new password"] = "再次输入新密码",
        ["Change password"] = "修改密码",
        ["must change password"] = "须修改密码",
        ["Choose a new password before you go on."] = "请先设置新密码再继续。",
        ["Your password was changed."] = "密码已修改。",
        ["Continue"] = "继续",
        ["The current password is wrong."] = "当前密码错误。",
        ["The new passwords differ."] = "两次输入的新密码不一致。",
        ["The form had expired; please try again."] = "表单已过期，请重试。",
        ["The new password must be 8 to 128 characters and differ from the current one."] = "新密码须为 8 至 128 个字符，且不能与当前密码相同。",
        ["{0} was disabled."] = "已停用 {0}。",
        ["{0} was enabled."] = "已启用 {0}。",
        ["{0} has a new role."] = "已修改 {0} 的角色。",
        ["{0} must change the new password at the next sign-in."] = "已重置密码，{0} 下次登录时须修改。",
        ["You cannot disable yourself."] = "不能停用自己。",
        ["You cannot change your own role."] = "不能修改自己的角色。",
        ["to must not be before from."] = "结束日期不能早于开始日期。",
    };
}
