using System.Security.Cryptography;
using TftpNano.Security;

namespace TftpNano.Host.Update;

/// <summary>
/// The owner's side of release signing: key pairs and signatures, with the host's own cryptography.
/// </summary>
public static class SigningKey
{
    /// <summary>The key size <c>tftpnano keygen</c> creates.</summary>
    public const int Bits = 3072;

    /// <summary>
    /// Creates a key pair: <c>NAME.pem</c> (PKCS#8 private key) and <c>NAME.pub</c> (the device's form).
    /// </summary>
    /// <returns>The two paths written.</returns>
    public static (string PrivatePath, string PublicPath) Generate(string name, int bits = Bits)
    {
        using RSA rsa = RSA.Create(bits);
        string privatePath = name + ".pem";
        string publicPath = name + ".pub";
        if (File.Exists(privatePath) || File.Exists(publicPath))
        {
            throw new IOException($"{privatePath} or {publicPath} already exists; keys are never overwritten.");
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(privatePath, options))
        {
            writer.WriteLine(rsa.ExportPkcs8PrivateKeyPem());
        }

        File.WriteAllText(publicPath, PublicText(rsa) + "\n");
        return (privatePath, publicPath);
    }

    /// <summary>The public key as the device configuration holds it: the modulus in base64.</summary>
    public static string PublicText(RSA rsa)
    {
        RSAParameters parameters = rsa.ExportParameters(includePrivateParameters: false);
        if (parameters.Exponent is not [0x01, 0x00, 0x01])
        {
            throw new ArgumentException("TftpNano devices verify with exponent 65537 only.");
        }

        return Convert.ToBase64String(parameters.Modulus!);
    }

    /// <summary>Signs bytes with the private key in a PEM file (RSASSA-PKCS1-v1_5, SHA-256).</summary>
    public static byte[] Sign(byte[] data, string privateKeyPath)
    {
        using RSA rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(privateKeyPath));
        if (rsa.KeySize < RsaPublicKey.MinimumBits)
        {
            throw new ArgumentException($"{privateKeyPath} holds a {rsa.KeySize}-bit key; devices need {RsaPublicKey.MinimumBits} bits or more.");
        }

        PublicText(rsa);
        return rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    /// <summary>Reads a public key file written by <see cref="Generate"/>.</summary>
    public static RsaPublicKey ReadPublic(string path) => RsaPublicKey.Parse(File.ReadAllText(path));
}
