/*
 * A stand-in for the ID-card reader vendor SDKs that devices/idcard/sdk.py drives
 * (docs/devices.md §1.8). It exports the functions of one family, chosen when compiling:
 *
 *   -DSTANDIN_TERMB   the 华视 CVR family (libtermb.so): CVR_InitComm, CVR_Authenticate,
 *                     CVR_Read_Content, CVR_CloseComm, the GetPeople… getters (GBK text) and
 *                     GetBMPData (the decoded photo as a whole BMP file);
 *   -DSTANDIN_SDTAPI  the SDT family (libsdtapi.so): SDT_OpenPort, SDT_StartFindIDCard,
 *                     SDT_SelectIDCard, SDT_ReadBaseMsg (raw 256-byte UCS-2LE text + 1024-byte WLT),
 *                     SDT_ClosePort, and the WLT decoder's unpack (raw 102x126 BGR pixels);
 *   -DSTANDIN_NO_READ leaves CVR_Read_Content out (a library of the wrong version).
 *
 * It is written from the public headers and return-code lists named in docs/devices.md, not from
 * vendor code. Its behaviour is driven by a control file named by the environment variable
 * HALLKIOSK_SDK_STANDIN and re-read at every call, one key=value per line:
 *
 *   card=PATH        1280 bytes: the text block and the WLT block of the card on the reader
 *                    (absent or empty: no card);
 *   photo=PATH       the decoded photo, a 102x126 24-bit BMP file;
 *   rc.NAME=N        the function NAME returns N instead of doing its work (an SDK error code);
 *   calls=PATH       each call appends its function name and a newline to PATH.
 *
 * Like the SDKs it keeps one global port: calls before the port is open fail as they do
 * (CVR_Authenticate 4, SDT_StartFindIDCard 0x01).
 */
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_LEN 256
#define WLT_LEN 1024
#define PIXELS_LEN (102 * 126 * 3)

static int g_port = -1;     /* the open port, -1 = closed */
static int g_has_card = 0;  /* a card was authenticated/selected and read */
static unsigned char g_text[TEXT_LEN];
static unsigned char g_wlt[WLT_LEN];

/* --- the control file ---------------------------------------------------------------------- */

static int control_value(const char *key, char *out, size_t out_len) {
    const char *path = getenv("HALLKIOSK_SDK_STANDIN");
    char line[1024];
    size_t key_len = strlen(key);
    int found = 0;
    FILE *f;
    if (path == NULL || (f = fopen(path, "r")) == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strncmp(line, key, key_len) == 0 && line[key_len] == '=') {
            strncpy(out, line + key_len + 1, out_len - 1);
            out[out_len - 1] = '\0';
            found = 1;
        }
    }
    fclose(f);
    return found;
}

static void log_call(const char *name) {
    char path[512];
    FILE *f;
    if (control_value("calls", path, sizeof path) && path[0] && (f = fopen(path, "a")) != NULL) {
        fprintf(f, "%s\n", name);
        fclose(f);
    }
}

/* Log the call; 1 and *rc set when the control file forces this function's return code. */
static int forced(const char *name, int *rc) {
    char key[128], value[64];
    log_call(name);
    snprintf(key, sizeof key, "rc.%s", name);
    if (control_value(key, value, sizeof value) && value[0]) {
        *rc = (int)strtol(value, NULL, 0);
        return 1;
    }
    return 0;
}

static long read_file(const char *key, unsigned char *buf, size_t len) {
    char path[512];
    FILE *f;
    size_t n;
    if (!control_value(key, path, sizeof path) || !path[0] || (f = fopen(path, "rb")) == NULL)
        return -1;
    n = fread(buf, 1, len, f);
    fclose(f);
    return (long)n;
}

/* The card on the reader into g_text/g_wlt; 0 when there is none. */
static int card_present(void) {
    unsigned char buf[TEXT_LEN + WLT_LEN];
    if (read_file("card", buf, sizeof buf) != (long)sizeof buf)
        return 0;
    memcpy(g_text, buf, TEXT_LEN);
    memcpy(g_wlt, buf + TEXT_LEN, WLT_LEN);
    return 1;
}

#ifdef STANDIN_TERMB
/* --- 华视 CVR family ------------------------------------------------------------------------ */

int CVR_InitComm(int port) {
    int rc;
    if (forced("CVR_InitComm", &rc))
        return rc;
    if (!(port >= 1 && port <= 16) && !(port >= 1001 && port <= 1016))
        return 2; /* port open failed */
    g_port = port;
    return 1;
}

int CVR_CloseComm(void) {
    int rc;
    if (forced("CVR_CloseComm", &rc))
        return rc;
    g_port = -1;
    g_has_card = 0;
    return 1;
}

int CVR_Authenticate(void) {
    int rc;
    if (forced("CVR_Authenticate", &rc))
        return rc;
    if (g_port < 0)
        return 4; /* reader not connected */
    g_has_card = 0;
    return card_present() ? 1 : 2; /* 2: find card failed */
}

#ifndef STANDIN_NO_READ
int CVR_Read_Content(int active) {
    int rc;
    if (forced("CVR_Read_Content", &rc))
        return rc;
    if (g_port < 0)
        return 4;
    if (active != 1 && active != 4)
        return 0;
    g_has_card = card_present();
    return g_has_card ? 1 : 0; /* 0: read failed */
}
#endif

/* text[start:end] (UCS-2LE) as GBK without its trailing spaces, NUL-terminated. */
static int put_gbk(const char *in, size_t in_len, const char *from, unsigned char *out, int *len) {
    char buf[512];
    char *src = (char *)in, *dst = buf;
    size_t src_left = in_len, dst_left = sizeof buf - 1;
    iconv_t cd = iconv_open("GBK", from);
    size_t n;
    if (cd == (iconv_t)-1)
        return 0;
    iconv(cd, &src, &src_left, &dst, &dst_left);
    iconv_close(cd);
    n = (size_t)(dst - buf);
    while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\0'))
        n--;
    if ((int)n + 1 > *len)
        return 0;
    memcpy(out, buf, n);
    out[n] = '\0';
    *len = (int)n;
    return 1;
}

static int field(const char *name, int start, int end, unsigned char *out, int *len) {
    int rc;
    if (forced(name, &rc))
        return rc;
    if (!g_has_card)
        return 0;
    return put_gbk((const char *)g_text + start, (size_t)(end - start), "UCS-2LE", out, len);
}

/* The code at text[start:start+2*n] as ASCII. */
static void code_at(int start, int n, char *out) {
    int i;
    for (i = 0; i < n; i++)
        out[i] = (char)g_text[start + 2 * i];
    out[n] = '\0';
}

int GetPeopleName(unsigned char *s, int *len) { return field("GetPeopleName", 0, 30, s, len); }
int GetPeopleBirthday(unsigned char *s, int *len) { return field("GetPeopleBirthday", 36, 52, s, len); }
int GetPeopleAddress(unsigned char *s, int *len) { return field("GetPeopleAddress", 52, 122, s, len); }
int GetPeopleIDCode(unsigned char *s, int *len) { return field("GetPeopleIDCode", 122, 158, s, len); }
int GetDepartment(unsigned char *s, int *len) { return field("GetDepartment", 158, 188, s, len); }
int GetStartDate(unsigned char *s, int *len) { return field("GetStartDate", 188, 204, s, len); }
int GetEndDate(unsigned char *s, int *len) { return field("GetEndDate", 204, 220, s, len); }

int GetPeopleSex(unsigned char *s, int *len) {
    static const char *names[] = {"未知", "男", "女"};
    char code[2];
    const char *name;
    int rc;
    if (forced("GetPeopleSex", &rc))
        return rc;
    if (!g_has_card)
        return 0;
    code_at(30, 1, code);
    name = code[0] >= '0' && code[0] <= '2' ? names[code[0] - '0'] : "未说明";
    return put_gbk(name, strlen(name), "UTF-8", s, len);
}

int GetNationCode(unsigned char *s, int *len) {
    char code[3];
    int rc;
    if (forced("GetNationCode", &rc))
        return rc;
    if (!g_has_card || *len < 3)
        return 0;
    code_at(32, 2, code);
    memcpy(s, code, 3);
    *len = 2;
    return 1;
}

int GetPeopleNation(unsigned char *s, int *len) {
    char code[3];
    const char *name = "其他";
    int rc;
    if (forced("GetPeopleNation", &rc))
        return rc;
    if (!g_has_card)
        return 0;
    code_at(32, 2, code);
    if (strcmp(code, "01") == 0) name = "汉";
    else if (strcmp(code, "02") == 0) name = "蒙古";
    else if (strcmp(code, "03") == 0) name = "回";
    return put_gbk(name, strlen(name), "UTF-8", s, len);
}

int GetCertType(unsigned char *s, int *len) {
    int rc;
    if (forced("GetCertType", &rc))
        return rc;
    if (!g_has_card || *len < 2)
        return 0;
    s[0] = g_text[248];
    s[1] = '\0';
    *len = 1;
    return 1;
}

int GetBMPData(unsigned char *buf, int *len) {
    unsigned char bmp[65536];
    long n;
    int rc;
    if (forced("GetBMPData", &rc))
        return rc;
    if (!g_has_card)
        return 0;
    n = read_file("photo", bmp, sizeof bmp);
    if (n <= 0 || n > *len)
        return 0;
    memcpy(buf, bmp, (size_t)n);
    *len = (int)n;
    return 1;
}
#endif /* STANDIN_TERMB */

#ifdef STANDIN_SDTAPI
/* --- SDT family (status codes are the SAM's SW3 bytes) -------------------------------------- */

int SDT_OpenPort(int port) {
    int rc;
    if (forced("SDT_OpenPort", &rc))
        return rc;
    if (!(port >= 1 && port <= 16) && !(port >= 1001 && port <= 1016))
        return 0x01; /* port open failed */
    g_port = port;
    return 0x90;
}

int SDT_ClosePort(int port) {
    int rc;
    if (forced("SDT_ClosePort", &rc))
        return rc;
    if (port != g_port)
        return 0x01;
    g_port = -1;
    g_has_card = 0;
    return 0x90;
}

int SDT_StartFindIDCard(int port, unsigned char *iin, int if_open) {
    int rc;
    (void)if_open;
    if (forced("SDT_StartFindIDCard", &rc))
        return rc;
    if (port != g_port)
        return 0x01;
    memset(iin, 0, 8);
    g_has_card = card_present();
    return g_has_card ? 0x9F : 0x80;
}

int SDT_SelectIDCard(int port, unsigned char *sn, int if_open) {
    int rc;
    (void)if_open;
    if (forced("SDT_SelectIDCard", &rc))
        return rc;
    if (port != g_port)
        return 0x01;
    memset(sn, 0, 8);
    return g_has_card && card_present() ? 0x90 : 0x81;
}

int SDT_ReadBaseMsg(int port, unsigned char *text, unsigned int *text_len, unsigned char *wlt,
                    unsigned int *wlt_len, int if_open) {
    int rc;
    (void)if_open;
    if (forced("SDT_ReadBaseMsg", &rc))
        return rc;
    if (port != g_port)
        return 0x01;
    if (!g_has_card || !card_present())
        return 0x41; /* read failed */
    memcpy(text, g_text, TEXT_LEN);
    *text_len = TEXT_LEN;
    memcpy(wlt, g_wlt, WLT_LEN);
    *wlt_len = WLT_LEN;
    return 0x90;
}

/* libwltrs: 1024 WLT bytes in, 102x126 BGR pixels (bottom-up, rows of 306 bytes) out; 1 = done. */
int unpack(unsigned char *src, unsigned char *dst, int bmp_save) {
    unsigned char bmp[65536];
    long n, offset;
    int rc;
    (void)bmp_save;
    if (forced("unpack", &rc))
        return rc;
    if (src == NULL || memcmp(src, g_wlt, WLT_LEN) != 0)
        return -1; /* not the WLT block of the card read */
    n = read_file("photo", bmp, sizeof bmp);
    if (n < 54 || bmp[0] != 'B' || bmp[1] != 'M')
        return -2;
    offset = bmp[10] | (bmp[11] << 8) | (bmp[12] << 16) | ((long)bmp[13] << 24);
    if (offset + 126L * 308 > n)
        return -2;
    for (int row = 0; row < 126; row++) /* BMP rows are padded to 308 bytes; raw rows are 306 */
        memcpy(dst + row * 306, bmp + offset + row * 308, 306);
    return 1;
}
#endif /* STANDIN_SDTAPI */
