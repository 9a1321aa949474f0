namespace SceneFinance.Platform.Tenancy;

/// <summary>
/// The one place grain keys are made: <c>"{tenantId}/{id}"</c>, so no grain can be addressed
/// without its tenant.
/// </summary>
public static class GrainKeys
{
    public static string For(string tenantId, string id) => $"{tenantId}/{id}";

    public static (string TenantId, string Id) Parse(string key)
    {
        var slash = key.IndexOf('/');
        if (slash <= 0) throw new ArgumentException($"Grain key '{key}' is not tenant-qualified.", nameof(key));
        return (key[..slash], key[(slash + 1)..]);
    }
}
