using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Trust;

/// <summary>The key ring that seals secrets and signs tokens is itself encrypted at rest when a certificate is configured (README, "Secrets at rest").</summary>
public sealed class KeyRingSpecs
{
    sealed class CertificateApp(string certificatePath, string password) : SceneApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("SceneFinance:KeyRing:Certificate", certificatePath);
            builder.UseSetting("SceneFinance:KeyRing:CertificatePassword", password);
        }
    }

    static X509Certificate2 NewCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=SceneFinance key ring (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    static IDataProtector Reader(string keys, X509Certificate2? certificate) =>
        DataProtectionProvider.Create(new DirectoryInfo(keys), b =>
        {
            b.SetApplicationName("SceneFinance");
            if (certificate is not null) b.UnprotectKeysWithAnyCertificate(certificate);
        }).CreateProtector("SceneFinance.AtRest.v1");

    [Fact]
    public async Task With_a_certificate_configured_the_key_files_hold_no_clear_key_and_only_the_certificate_opens_them()
    {
        using var certificate = NewCertificate();
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var path = Path.Combine(Directory.CreateTempSubdirectory("scenefinance-cert-").FullName, "key-ring.pfx");
        await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pfx, password));
        await using var app = new CertificateApp(path, password);
        await app.Api().AdminToken(); // signs a token: the key ring's first key is written
        var sealedValue = app.Services.GetRequiredService<Sealer>().Seal("a terminal secret")!;

        var keys = Path.Combine(app.DataPath, "keys");
        var files = Directory.GetFiles(keys, "key-*.xml");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var xml = await File.ReadAllTextAsync(file);
            Assert.Contains("<encryptedSecret", xml);
            Assert.DoesNotContain("<masterKey", xml);
        }
        // The certificate opens what the host sealed; without it the same files open nothing.
        Assert.Equal("a terminal secret", Reader(keys, certificate).Unprotect(sealedValue["sealed:v1:".Length..]));
        Assert.ThrowsAny<CryptographicException>(() => Reader(keys, null).Unprotect(sealedValue["sealed:v1:".Length..]));
    }
}
