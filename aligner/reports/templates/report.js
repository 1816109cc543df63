(function(){
"use strict";
var root=document.documentElement;
var D=JSON.parse(document.getElementById("aligner-data").textContent);
var F=D.findings;
var marks=Array.prototype.slice.call(document.querySelectorAll("mark.hl"));
var tip=document.getElementById("tip");
var wl=document.getElementById("wl");
var typeOn={},sevOn={};
function each(sel,fn){Array.prototype.forEach.call(document.querySelectorAll(sel),fn);}
function ids(el,a){var v=el.getAttribute(a);return v?v.split(" ").map(Number):[];}
function vis(k){var f=F[k];return f&&typeOn[f.tcls]!==false&&sevOn[f.scls||"other"]!==false;}
F.forEach(function(f){f.scls=(f.severity==="high"||f.severity==="medium"||f.severity==="low")?f.severity:"other";});
function restyle(m){
  var p=ids(m,"data-p").filter(vis),c=ids(m,"data-c").filter(vis);
  var cls="hl";
  if(p.length){cls+=" t-"+F[p[0]].tcls+" v-"+F[p[0]].scls;}
  else if(c.length){cls+=" ctx t-"+F[c[0]].tcls;}
  else{cls+=" off";}
  if(m.classList.contains("flash"))cls+=" flash";
  if(m.classList.contains("pair"))cls+=" pair";
  m.className=cls;
  if(p.length||c.length){m.setAttribute("tabindex","0");}else{m.removeAttribute("tabindex");}
}
function applyFilters(){
  each("input.ft",function(i){typeOn[i.value]=i.checked;});
  each("input.fs",function(i){sevOn[i.value]=i.checked;});
  marks.forEach(restyle);
  var shown=0;
  each("li.fi",function(li){var on=vis(+li.getAttribute("data-k"));li.hidden=!on;if(on)shown++;});
  var st=document.getElementById("shown");
  if(st)st.textContent=shown+" of "+F.length+" shown";
  hideTip();
}
function el(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;if(text!=null)e.textContent=text;return e;}
function row(box,label,text,q){if(text==null)return;var r=el("div","row");r.appendChild(el("span","lbl",label));r.appendChild(document.createTextNode(" "));r.appendChild(el(q?"q":"span","",text));box.appendChild(r);}
function clip(t){return t.length>280?t.slice(0,277)+"\u2026":t;}
var current=null;
function showTip(m){
  hideTip();
  var p=ids(m,"data-p").filter(vis),c=ids(m,"data-c").filter(vis);
  if(!p.length&&!c.length){hideTip();return;}
  tip.textContent="";
  p.forEach(function(k){
    var f=F[k],box=el("div","tf t-"+f.tcls),h=el("div","th");
    h.appendChild(el("span","badge t-"+f.tcls,f.type));
    h.appendChild(el("span","meta",f.severity+" \u00b7 confidence "+Number(f.confidence).toFixed(2)+" \u00b7 "+f.id));
    box.appendChild(h);
    row(box,"source",f.s==null?"(nothing)":clip(f.s),f.s!=null);
    if(f.g)row(box,"gloss",clip(f.g),true);
    row(box,"rendition",f.r==null?"(nothing)":clip(f.r),f.r!=null);
    if(f.cues&&f.cues.length)row(box,"cues",f.cues.join(", "),false);
    if(f.evidence)box.appendChild(el("div","ev",f.evidence));
    tip.appendChild(box);
  });
  if(c.length){
    var cb=el("div","tf ctxs");
    cb.appendChild(el("div","meta",p.length?"Also the counterpart of:":"Counterpart of:"));
    c.forEach(function(k){
      var f=F[k],r=el("div","row t-"+f.tcls),side=f.tcls==="added"?f.r:f.s;
      r.appendChild(el("span","badge t-"+f.tcls,f.type));
      r.appendChild(document.createTextNode(" "+f.id+" "));
      r.appendChild(el("q","",clip(side==null?"":side).slice(0,120)));
      cb.appendChild(r);
    });
    tip.appendChild(cb);
  }
  tip.hidden=false;
  current=m;
  p.concat(c).forEach(function(k){each('mark.hl[data-p~="'+k+'"],mark.hl[data-c~="'+k+'"]',function(o){if(o!==m){o.classList.add("pair");paired.push(o);}});});
  var r=m.getClientRects()[0]||m.getBoundingClientRect(),tw=tip.offsetWidth,th=tip.offsetHeight;
  var x=Math.max(8,Math.min(r.left,window.innerWidth-tw-8));
  var y=r.bottom+8;
  if(y+th>window.innerHeight-8)y=Math.max(8,r.top-th-8);
  tip.style.left=x+"px";tip.style.top=y+"px";
}
var paired=[];
function hideTip(){tip.hidden=true;current=null;paired.forEach(function(o){o.classList.remove("pair");});paired=[];}
var toks={};
each(".w",function(w){var k=w.getAttribute("data-t");(toks[k]=toks[k]||[]).push(w);});
var L={s:{},r:{}};
D.links.forEach(function(l){(L.s[l[0]]=L.s[l[0]]||[]).push([l[1],l[2]]);(L.r[l[1]]=L.r[l[1]]||[]).push([l[0],l[2]]);});
var lit=[];
function clearLinks(){lit.forEach(function(w){w.classList.remove("sel","lnk");});lit=[];}
function word(key){return (toks[key]||[]).map(function(w){return w.textContent;}).join("");}
function select(key){
  clearLinks();
  var side=key.charAt(0),i=+key.slice(1),other=side==="s"?"r":"s";
  (toks[key]||[]).forEach(function(w){w.classList.add("sel");lit.push(w);});
  var ls=L[side][i]||[],parts=[];
  ls.forEach(function(l){(toks[other+l[0]]||[]).forEach(function(w){w.classList.add("lnk");lit.push(w);});parts.push("\u201c"+word(other+l[0])+"\u201d ("+Number(l[1]).toFixed(2)+")");});
  wl.textContent="";
  wl.appendChild(el("b","",(side==="s"?"source ":"rendition ")+"\u201c"+word(key)+"\u201d"));
  wl.appendChild(document.createTextNode(ls.length?" \u2194 "+parts.join(", "):" has no aligned word"));
}
document.addEventListener("click",function(e){
  var go=e.target.closest&&e.target.closest("a.go[data-k]");
  if(go){var k=+go.getAttribute("data-k"),m=first(k);if(m){e.preventDefault();reveal(m);history.replaceState(null,"","#f-"+k);}return;}
  var w=e.target.closest&&e.target.closest(".w");
  if(w){select(w.getAttribute("data-t"));}else{clearLinks();wl.textContent="Click a word to see the words it is aligned with.";}
});
document.addEventListener("mouseover",function(e){var m=e.target.closest&&e.target.closest("mark.hl");if(m&&m!==current)showTip(m);else if(!m&&current&&current!==document.activeElement)hideTip();});
document.addEventListener("focusin",function(e){var m=e.target.closest&&e.target.closest("mark.hl");if(m)showTip(m);else hideTip();});
document.addEventListener("focusout",function(e){if(e.target===current)hideTip();});
document.addEventListener("keydown",function(e){
  if(e.key==="Escape"){hideTip();clearLinks();return;}
  var m=e.target.closest&&e.target.closest("mark.hl");
  if(m&&(e.key==="Enter"||e.key===" ")){var w=m.querySelector(".w");if(w){e.preventDefault();select(w.getAttribute("data-t"));}}
});
window.addEventListener("scroll",function(){if(current&&current!==document.activeElement)hideTip();},{passive:true});
each("input.ft,input.fs",function(i){i.addEventListener("change",applyFilters);});
var heat=document.getElementById("opt-heat"),gl=document.getElementById("opt-gloss");
function opts(){document.body.classList.toggle("heat",heat.checked);document.body.classList.toggle("nogloss",!gl.checked);}
heat.addEventListener("change",opts);gl.addEventListener("change",opts);
function first(k){return document.querySelector('mark.hl[data-p~="'+k+'"]')||document.querySelector('mark.hl[data-c~="'+k+'"]');}
function reveal(m){m.scrollIntoView({block:"center"});m.focus({preventScroll:true});m.classList.add("flash");setTimeout(function(){m.classList.remove("flash");},1300);showTip(m);}
function fromHash(){var h=/^#f-(\d+)$/.exec(location.hash);if(h){var m=first(+h[1]);if(m)reveal(m);}}
window.addEventListener("hashchange",fromHash);
applyFilters();opts();
wl.textContent="Click a word to see the words it is aligned with.";
root.setAttribute("data-ready",String(marks.length));
fromHash();
})();
