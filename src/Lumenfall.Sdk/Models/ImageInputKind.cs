namespace Lumenfall.Sdk;

/// <summary>How an <see cref="ImageInput"/> carries its image.</summary>
public enum ImageInputKind
{
    /// <summary>A local file path; the SDK opens and closes the file itself.</summary>
    File,

    /// <summary>A caller-owned stream; the SDK never disposes it.</summary>
    Stream,

    /// <summary>Bytes in memory.</summary>
    Bytes,

    /// <summary>An <c>http(s)</c> URL or a <c>data:</c> URI, passed to the service as is.</summary>
    Url,
}
