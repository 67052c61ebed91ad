package dev.switchboard.images;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * What the modularizer needs from one class file, read from its constant pool: its name, whether
 * it is public, whether it is an interface or abstract, the classes it names, and whether it calls
 * {@code ServiceLoader.load}/{@code loadInstalled} (the call a named module may make only for a
 * service it declares with {@code uses}). Class files of any version: only the constant pool's
 * layout is read, which has not changed since Java 11 (tags 17 to 20 included).
 */
record ClassFacts(String name, boolean isPublic, boolean isAbstract, Set<String> referencedClasses, boolean loadsServices) {

    private static final int ACC_PUBLIC = 0x0001;
    private static final int ACC_INTERFACE = 0x0200;
    private static final int ACC_ABSTRACT = 0x0400;

    /** Binary names with dots ({@code a.b.C$D}). */
    static ClassFacts read(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] classNameIndex = new int[count];
        int[][] memberRefs = new int[count][];
        int[] nameAndTypeName = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++;
                }
                case 7 -> classNameIndex[i] = in.readUnsignedShort();
                case 8, 16, 19, 20 -> in.readUnsignedShort();
                case 9, 10, 11 -> memberRefs[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
                case 12 -> {
                    nameAndTypeName[i] = in.readUnsignedShort();
                    in.readUnsignedShort();
                }
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                case 17, 18 -> in.readInt();
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        int access = in.readUnsignedShort();
        int thisClass = in.readUnsignedShort();
        Set<String> referenced = new HashSet<>();
        for (int i = 1; i < count; i++) {
            if (classNameIndex[i] != 0) {
                String name = utf8[classNameIndex[i]];
                if (!name.startsWith("[")) {
                    referenced.add(name.replace('/', '.'));
                }
            }
        }
        boolean loads = false;
        for (int i = 1; i < count && !loads; i++) {
            if (memberRefs[i] != null && classNameIndex[memberRefs[i][0]] != 0
                    && "java/util/ServiceLoader".equals(utf8[classNameIndex[memberRefs[i][0]]])) {
                String method = utf8[nameAndTypeName[memberRefs[i][1]]];
                loads = method.equals("load") || method.equals("loadInstalled");
            }
        }
        String name = utf8[classNameIndex[thisClass]].replace('/', '.');
        referenced.remove(name);
        return new ClassFacts(name, (access & ACC_PUBLIC) != 0, (access & (ACC_INTERFACE | ACC_ABSTRACT)) != 0, Set.copyOf(referenced), loads);
    }
}
