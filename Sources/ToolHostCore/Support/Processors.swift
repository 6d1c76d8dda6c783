#if canImport(Glibc)
import Glibc
#endif

/// The processors of this machine, for work that splits itself across them.
public enum Processors {
    /// How many are online (`sysconf`); 1 where that cannot be read.
    public static let online: Int = {
        #if canImport(Glibc)
        max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1)
        #else
        1
        #endif
    }()
}
