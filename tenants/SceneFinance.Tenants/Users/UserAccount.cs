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

    public static string IdFor(string userName) => userName.Trim().ToLowerInvariant();
}
