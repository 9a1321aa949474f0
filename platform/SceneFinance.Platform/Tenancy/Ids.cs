namespace SceneFinance.Platform.Tenancy;

/// <summary>Opaque string ids with a readable prefix; time-ordered so lists and indexes stay local.</summary>
public static class Ids
{
    public static string New(string prefix) => $"{prefix}_{Guid.CreateVersion7():N}";
}
