/** The Account page's stylesheet, sent inline under the response's CSP nonce. */
export const ACCOUNT_STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f5f9;color:#1c2333}
header{background:#1c2333;color:#fff;padding:12px 16px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center}
header .brand{font-weight:700;margin-right:auto}
header form{margin:0}
header button{background:transparent;color:#fff;border:1px solid #8a93a8;padding:6px 12px}
nav{display:flex;gap:4px;flex-wrap:wrap;padding:0 16px;background:#fff;border-bottom:1px solid #dde2ec}
nav a{padding:12px 14px;color:#3b4660;text-decoration:none;border-bottom:3px solid transparent}
nav a[aria-current=page]{color:#1c2333;font-weight:700;border-bottom-color:#3b5bdb}
nav a:focus-visible,button:focus-visible,a:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid #3b5bdb;outline-offset:2px}
main{max-width:1040px;margin:0 auto;padding:16px}
section{background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(20,30,60,.08);padding:20px;margin:0 0 16px}
h1{font-size:24px;margin:8px 0 16px}
h2{font-size:19px;margin:0 0 12px}
h3{font-size:16px;margin:0 0 8px}
p{margin:0 0 12px}
label{display:block;font-weight:600;margin:12px 0 4px}
input,select{width:100%;max-width:420px;padding:9px 11px;border:1px solid #c8cfdc;border-radius:8px;font:inherit;background:#fff}
input[type=file]{padding:6px}
button,.button{display:inline-block;padding:9px 16px;border-radius:8px;font:inherit;font-weight:600;cursor:pointer;border:1px solid #3b5bdb;background:#3b5bdb;color:#fff;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:#3b5bdb}
button.danger{background:#fff;color:#b42318;border-color:#b42318}
button[disabled]{opacity:.6;cursor:wait}
.row{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-top:12px}
.field-error{color:#b42318;font-size:14px;margin:4px 0 0}
.alert{padding:10px 12px;margin:0 0 16px;border-radius:8px;background:#fff0f0;color:#a61b1b;border:1px solid #f3c4c4}
.notice{padding:10px 12px;margin:0 0 16px;border-radius:8px;background:#eefbf3;color:#17603a;border:1px solid #b7e4c7}
.badge{display:inline-block;padding:2px 8px;border-radius:999px;font-size:13px;font-weight:700;background:#fff4d6;color:#7a4b00;border:1px solid #f0c36d}
.muted{color:#5c667a;font-size:14px}
progress{width:100%;max-width:600px;height:16px}
.plans{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px}
.plan{border:1px solid #dde2ec;border-radius:10px;padding:14px}
.plan.current{border-color:#3b5bdb;box-shadow:0 0 0 2px #3b5bdb inset}
.plan ul{padding-left:18px;margin:8px 0}
.price{font-size:20px;font-weight:700}
.table{overflow-x:auto}
.table+h3{margin-top:20px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:8px;border-bottom:1px solid #e6e9f0;vertical-align:top}
th{color:#3b4660;font-weight:600}
td form{display:inline}
td button{padding:4px 10px;font-size:14px}
details{border-bottom:1px solid #e6e9f0;padding:8px 0}
summary{cursor:pointer;display:flex;flex-wrap:wrap;gap:4px 12px}
summary::before{content:"▸";color:#5c667a}
details[open] summary::before{content:"▾"}
.status-delivered{color:#17603a}.status-dead{color:#b42318}.status-pending{color:#7a4b00}
.avatar{width:72px;height:72px;border-radius:50%;object-fit:cover;border:1px solid #dde2ec;background:#e6e9f0}
.secret{font-family:ui-monospace,Menlo,monospace;word-break:break-all;background:#f3f5f9;padding:8px;border-radius:6px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:16px}
.chart{position:relative;height:240px}
.filters{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:end}
.filters label{margin:0}
.filters select{min-width:140px}
#tail{font-family:ui-monospace,Menlo,monospace;font-size:13px;max-height:180px;overflow:auto;list-style:none;padding:0;margin:0}
#tail li{padding:2px 0;border-bottom:1px solid #f0f2f6;overflow-wrap:anywhere}
.signin{max-width:420px;margin:48px auto}
@media (max-width:480px){main{padding:8px}section{padding:14px}h1{font-size:21px}}
`;
