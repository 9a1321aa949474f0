using SceneFinance.Platform.Security;
namespace SceneFinance.Tenants.Users;

/// <summary>A person who signs in. Platform-wide (usernames are unique across tenants); the tenant is a field.</summary>
public sealed class UserAccount
{
    /// <summary>The username in lower case.</summary>
    public string Id { get; set; } = "";
    public string UserName { get; set; } = "";
    public string PasswordHash { get; set; } = "";
    public string Role { get; set; } = "";
    public string? TenantId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>A disabled person cannot sign in, and their tokens and cookies stop working (<see cref="SecurityStamps"/>).</summary>
    public bool Disabled { get; set; }

    /// <summary>
    /// Changes when what a token says about the person stops being true (disabled, another role, a password reset): every
    /// token and cookie carries the stamp it was issued with, and one with an old stamp is refused. Empty for accounts from before.
    /// </summary>
    public string SecurityStamp { get; set; } = "";

    /// <summary>Set by a reset (and for a generated bootstrap password): the shell asks for a new password before anything else.</summary>
    public bool MustChangePassword { get; set; }

    public DateTimeOffset? PasswordChangedAt { get; set; }

    public string Status => Disabled ? "disabled" : "active";

    public static string IdFor(string userName) => TenantAccess.UserIdOf(userName);

    public static string NewStamp() => Guid.NewGuid().ToString("N");

    /// <summary>What the audit log records of an account: never its hash or stamp (masked anyway), its state.</summary>
    public object Audited() => new { UserName, Role, TenantId, Status, MustChangePassword };

    public UserAccount Copy() => (UserAccount)MemberwiseClone();
}
