// Forwarders for the libpq functions ToolHost calls, bound with dlopen/dlsym on first use.
//
// Linking libpq directly made every `toolhost` process load 29 shared libraries (OpenSSL,
// GnuTLS, Kerberos, LDAP, SASL...) and tripled start-up time, even on the embedded SQLite
// default. These definitions have libpq's own prototypes, so the Swift code calls PQexec and
// friends as usual; each forwards to the function loaded by toolhost_libpq_load().
#include "CLibPQLoader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <postgresql/libpq-fe.h>

#define LIBPQ_FUNCTIONS(X) \
    X(PQconnectdbParams) X(PQstatus) X(PQerrorMessage) X(PQfinish) X(PQsetNoticeProcessor) \
    X(PQexec) X(PQresultStatus) X(PQclear) X(PQsendQueryParams) X(PQsetSingleRowMode) \
    X(PQgetResult) X(PQputCopyEnd) X(PQcmdTuples) X(PQputCopyData) X(PQtransactionStatus) \
    X(PQgetCancel) X(PQcancel) X(PQfreeCancel) X(PQnfields) X(PQfname) X(PQftype) \
    X(PQgetisnull) X(PQgetlength) X(PQgetvalue) X(PQresultErrorField) X(PQresultErrorMessage) \
    X(PQhost) X(PQport) X(PQdb) X(PQgetCopyData) X(PQfreemem)

#define DECLARE_POINTER(name) static __typeof__(name) *loaded_##name;
LIBPQ_FUNCTIONS(DECLARE_POINTER)

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static int loaded = 0;

int toolhost_libpq_load(char *error, size_t error_size) {
    pthread_mutex_lock(&load_lock);
    if (loaded) {
        pthread_mutex_unlock(&load_lock);
        return 0;
    }
    void *library = dlopen("libpq.so.5", RTLD_LAZY | RTLD_LOCAL);
    if (library == NULL) library = dlopen("libpq.so", RTLD_LAZY | RTLD_LOCAL);
    if (library == NULL) {
        snprintf(error, error_size, "libpq is not installed (%s); install the libpq5 package", dlerror());
        pthread_mutex_unlock(&load_lock);
        return -1;
    }
#define RESOLVE(name) \
    loaded_##name = (__typeof__(name) *)dlsym(library, #name); \
    if (loaded_##name == NULL) { \
        snprintf(error, error_size, "the installed libpq lacks %s", #name); \
        pthread_mutex_unlock(&load_lock); \
        return -1; \
    }
    LIBPQ_FUNCTIONS(RESOLVE)
    loaded = 1;
    pthread_mutex_unlock(&load_lock);
    return 0;
}

PGconn *PQconnectdbParams(const char *const *keywords, const char *const *values, int expand_dbname) {
    return loaded_PQconnectdbParams(keywords, values, expand_dbname);
}
ConnStatusType PQstatus(const PGconn *conn) { return loaded_PQstatus(conn); }
char *PQerrorMessage(const PGconn *conn) { return loaded_PQerrorMessage(conn); }
void PQfinish(PGconn *conn) { loaded_PQfinish(conn); }
PQnoticeProcessor PQsetNoticeProcessor(PGconn *conn, PQnoticeProcessor proc, void *arg) {
    return loaded_PQsetNoticeProcessor(conn, proc, arg);
}
PGresult *PQexec(PGconn *conn, const char *query) { return loaded_PQexec(conn, query); }
ExecStatusType PQresultStatus(const PGresult *res) { return loaded_PQresultStatus(res); }
void PQclear(PGresult *res) { loaded_PQclear(res); }
int PQsendQueryParams(PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
                      const char *const *paramValues, const int *paramLengths, const int *paramFormats,
                      int resultFormat) {
    return loaded_PQsendQueryParams(conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats,
                                    resultFormat);
}
int PQsetSingleRowMode(PGconn *conn) { return loaded_PQsetSingleRowMode(conn); }
PGresult *PQgetResult(PGconn *conn) { return loaded_PQgetResult(conn); }
int PQputCopyEnd(PGconn *conn, const char *errormsg) { return loaded_PQputCopyEnd(conn, errormsg); }
char *PQcmdTuples(PGresult *res) { return loaded_PQcmdTuples(res); }
int PQputCopyData(PGconn *conn, const char *buffer, int nbytes) { return loaded_PQputCopyData(conn, buffer, nbytes); }
PGTransactionStatusType PQtransactionStatus(const PGconn *conn) { return loaded_PQtransactionStatus(conn); }
PGcancel *PQgetCancel(PGconn *conn) { return loaded_PQgetCancel(conn); }
int PQcancel(PGcancel *cancel, char *errbuf, int errbufsize) { return loaded_PQcancel(cancel, errbuf, errbufsize); }
void PQfreeCancel(PGcancel *cancel) { loaded_PQfreeCancel(cancel); }
int PQnfields(const PGresult *res) { return loaded_PQnfields(res); }
char *PQfname(const PGresult *res, int field_num) { return loaded_PQfname(res, field_num); }
Oid PQftype(const PGresult *res, int field_num) { return loaded_PQftype(res, field_num); }
int PQgetisnull(const PGresult *res, int tup_num, int field_num) { return loaded_PQgetisnull(res, tup_num, field_num); }
int PQgetlength(const PGresult *res, int tup_num, int field_num) { return loaded_PQgetlength(res, tup_num, field_num); }
char *PQgetvalue(const PGresult *res, int tup_num, int field_num) { return loaded_PQgetvalue(res, tup_num, field_num); }
char *PQresultErrorField(const PGresult *res, int fieldcode) { return loaded_PQresultErrorField(res, fieldcode); }
char *PQresultErrorMessage(const PGresult *res) { return loaded_PQresultErrorMessage(res); }
char *PQhost(const PGconn *conn) { return loaded_PQhost(conn); }
char *PQport(const PGconn *conn) { return loaded_PQport(conn); }
char *PQdb(const PGconn *conn) { return loaded_PQdb(conn); }
int PQgetCopyData(PGconn *conn, char **buffer, int async) { return loaded_PQgetCopyData(conn, buffer, async); }
void PQfreemem(void *ptr) { loaded_PQfreemem(ptr); }
