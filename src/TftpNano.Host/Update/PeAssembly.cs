using System.Buffers.Binary;
using System.Text;

namespace TftpNano.Host.Update;

/// <summary>
/// An assembly's name as a <c>.pe</c> file records it: text from the file's own string table, or an
/// index into the firmware's built-in string table (the MetadataProcessor uses one for well-known names
/// such as <c>mscorlib</c>). Two names are the same assembly when they are equal: the same toolchain
/// gives the same name the same index.
/// </summary>
public readonly record struct PeName(string? Text, int BuiltIn)
{
    /// <summary>Gets the name as text, or which built-in string it is.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Text ?? $"built-in string {BuiltIn}";
}

/// <summary>One assembly a <c>.pe</c> file references, with the version it was built against.</summary>
public sealed record PeReference(PeName Name, Version Version);

/// <summary>
/// A type a <c>.pe</c> file defines: its full name as <c>Type.GetType</c> takes it (a nested type
/// after its enclosing one and a <c>+</c>), or null when a part of it is a built-in string, and the
/// names of its static methods without parameters, the methods a release can start.
/// </summary>
public sealed record PeType(string? FullName, IReadOnlyList<string?> EntryMethods);

/// <summary>
/// What a nanoFramework <c>.pe</c> file says about itself in its header: its name, its version and the
/// assemblies it references, read without loading it.
/// </summary>
/// <remarks>
/// The layout is nanoFramework's <c>CLR_RECORD_ASSEMBLY</c> for the <c>NFMRK1</c> marker, which the
/// MetadataProcessor of the VS2022 extension writes (nf-interpreter, src/CLR/Include/nanoCLR_Types.h,
/// and metadata-processor's CLRAssemblyDefinition): the marker, two CRCs, flags, the native methods'
/// checksum, the patch entry, the version as four 16-bit numbers, the name's string index, the string
/// table's version, then the offset of each table, a count, and each table's padding. The number of
/// tables is what makes the header end where the first table starts; the strings are table 11 and
/// assembly references (name, padding, version: 12 bytes each) table 0.
/// </remarks>
public sealed class PeAssembly
{
    private const string Marker = "NFMRK1";
    private const int NativeChecksumOffset = 20;
    private const int VersionOffset = 28;
    private const int NameOffset = 36;
    private const int TablesOffset = 40;
    private const int TableCount = 16;
    private const int AssemblyRefTable = 0;
    private const int StringsTable = 11;
    private const int AssemblyRefLength = 12;
    private const int TypeDefTable = 4;
    private const int MethodDefTable = 6;

    // CLR_RECORD_TYPEDEF and CLR_RECORD_METHODDEF of the NFMRK1 format: a type's name, namespace and
    // enclosing type, then its first method and its counts of virtual, instance and static methods, in
    // that order; a method's name, flags and argument count.
    private const int TypeDefLength = 24;
    private const int MethodDefLength = 16;
    private const int NoType = 0xFFFF;
    private const uint StaticMethod = 0x10;

    private PeAssembly(string path, PeName name, Version version, uint nativeChecksum, IReadOnlyList<PeReference> references, IReadOnlyList<PeType> types)
    {
        Path = path;
        Name = name;
        Version = version;
        NativeChecksum = nativeChecksum;
        References = references;
        Types = types;
    }

    /// <summary>Gets the file it was read from.</summary>
    public string Path { get; }

    /// <summary>Gets the file's name, such as <c>Blinky.pe</c>.</summary>
    public string FileName => System.IO.Path.GetFileName(Path);

    /// <summary>Gets the assembly's name.</summary>
    public PeName Name { get; }

    /// <summary>Gets the assembly's version.</summary>
    public Version Version { get; }

    /// <summary>
    /// Gets the checksum of its native methods' signatures, which the firmware matches against its own
    /// table: 0 when the assembly has no native methods.
    /// </summary>
    public uint NativeChecksum { get; }

    /// <summary>Gets the assemblies it references.</summary>
    public IReadOnlyList<PeReference> References { get; }

    /// <summary>Gets the types the assembly defines, with the methods a release could start.</summary>
    public IReadOnlyList<PeType> Types { get; }

    /// <summary>Gets a name to show: its own, or, for a built-in one, the file's name without <c>.pe</c>.</summary>
    public string DisplayName => Name.Text ?? System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>Reads a <c>.pe</c> file's header.</summary>
    /// <exception cref="InvalidDataException">The file is not a nanoFramework assembly this tool reads.</exception>
    public static PeAssembly Read(string path)
    {
        byte[] image = File.ReadAllBytes(path);
        if (image.Length < TablesOffset + (4 * TableCount) || Encoding.ASCII.GetString(image, 0, 6) != Marker)
        {
            string marker = image.Length >= 6 ? Encoding.ASCII.GetString(image, 0, 6) : string.Empty;
            throw new InvalidDataException(marker.StartsWith("NFMRK", StringComparison.Ordinal)
                ? $"{path} is a nanoFramework assembly of format {marker}; this tool reads {Marker}, what the VS2022 extension's MetadataProcessor writes."
                : $"{path} is not a nanoFramework assembly (.pe built by the MetadataProcessor).");
        }

        int[] tables = new int[TableCount];
        for (int i = 0; i < TableCount; i++)
        {
            tables[i] = BinaryPrimitives.ReadInt32LittleEndian(image.AsSpan(TablesOffset + (4 * i)));
        }

        int paddings = TablesOffset + (4 * TableCount) + 4;
        int headerEnd = paddings + (((TableCount - 1 + 3) / 4) * 4);
        if (tables[0] != headerEnd || tables[TableCount - 1] > image.Length)
        {
            throw new InvalidDataException($"{path} has a header of an unknown layout (its first table starts at {tables[0]}, not {headerEnd}).");
        }

        int stringsStart = tables[StringsTable];
        int stringsLength = tables[StringsTable + 1] - stringsStart - image[paddings + StringsTable];
        PeName Name(int index)
        {
            if (index >= stringsLength)
            {
                return new PeName(null, index);
            }

            int end = Array.IndexOf(image, (byte)0, stringsStart + index);
            if (end < 0 || end >= stringsStart + stringsLength)
            {
                throw new InvalidDataException($"{path} has a name outside its string table.");
            }

            return new PeName(Encoding.UTF8.GetString(image, stringsStart + index, end - stringsStart - index), 0);
        }

        Version ReadVersion(int offset) => new(
            BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(offset)), BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(offset + 2)),
            BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(offset + 4)), BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(offset + 6)));

        int referencesLength = tables[AssemblyRefTable + 1] - tables[AssemblyRefTable] - image[paddings + AssemblyRefTable];
        var references = new List<PeReference>();
        for (int offset = tables[AssemblyRefTable]; offset + AssemblyRefLength <= tables[AssemblyRefTable] + referencesLength; offset += AssemblyRefLength)
        {
            references.Add(new PeReference(Name(BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(offset))), ReadVersion(offset + 4)));
        }

        string? Text(int index) => Name(index).Text;
        int Size(int table) => tables[table + 1] - tables[table] - image[paddings + table];
        int typeCount = Size(TypeDefTable) / TypeDefLength;
        int methodCount = Size(MethodDefTable) / MethodDefLength;
        ushort U16(int offset) => BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(offset));
        string? FullName(int type, int depth)
        {
            int record = tables[TypeDefTable] + (type * TypeDefLength);
            string? name = Text(U16(record));
            int enclosing = U16(record + 6);
            if (enclosing != NoType)
            {
                string? outer = enclosing < typeCount && depth < typeCount ? FullName(enclosing, depth + 1) : null;
                return outer is null || name is null ? null : outer + "+" + name;
            }

            string? space = Text(U16(record + 2));
            return name is null || space is null ? null : space.Length == 0 ? name : space + "." + name;
        }

        var types = new List<PeType>();
        for (int type = 0; type < typeCount; type++)
        {
            int record = tables[TypeDefTable] + (type * TypeDefLength);
            int first = U16(record + 10);
            int count = image[record + 12] + image[record + 13] + image[record + 14];
            var methods = new List<string?>();
            for (int method = first; method < first + count && method < methodCount; method++)
            {
                int row = tables[MethodDefTable] + (method * MethodDefLength);
                uint flags = BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(row + 4));
                if ((flags & StaticMethod) != 0 && image[row + 9] == 0)
                {
                    methods.Add(Text(U16(row)));
                }
            }

            types.Add(new PeType(FullName(type, 0), methods));
        }

        return new PeAssembly(path, Name(BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(NameOffset))), ReadVersion(VersionOffset),
            BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(NativeChecksumOffset)), references, types);
    }
}
