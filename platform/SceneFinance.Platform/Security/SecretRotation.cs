using System.Security.Cryptography;

namespace SceneFinance.Platform.Security;

/// <summary>
/// Signing secrets (terminals, HIS clients) and their rotation: a new secret is 32 random bytes as 64 lowercase hex characters,
/// sealed at rest (<see cref="Sealer"/>); after a rotation the previous secret keeps verifying for <see cref="SecretGrace"/>
/// (<c>SceneFinance:Security:SecretGrace</c>, default 24 h), long enough to reach every till, then it is refused like a wrong
/// signature. A rotation may ask for a shorter grace (down to none, for a secret known to have leaked), never a longer one.
/// </summary>
public sealed class SecretRotation
{
    public TimeSpan SecretGrace { get; set; } = TimeSpan.FromHours(24);

    public static string NewSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();

    /// <summary>The grace a rotation gets: the setting, or the shorter one asked for (seconds, 0 to the setting).</summary>
    public TimeSpan GraceFor(int? graceSeconds) => graceSeconds is { } s ? TimeSpan.FromSeconds(s) : SecretGrace;

    public void Validate(int? graceSeconds) => new Problems.Validation()
        .Require(graceSeconds is null || (graceSeconds >= 0 && graceSeconds <= SecretGrace.TotalSeconds), "graceSeconds",
            $"graceSeconds must be between 0 and {(long)SecretGrace.TotalSeconds} (the configured grace).")
        .ThrowIfInvalid();
}

/// <summary>The body of a rotation: <c>graceSeconds</c> absent means the configured grace.</summary>
public sealed record RotateSecretRequest(int? GraceSeconds = null);
